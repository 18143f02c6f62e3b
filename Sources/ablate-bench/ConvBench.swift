import CKernels
import Foundation
import TensorEngine

/// Convolution throughput at the shapes FIABench's models use, against raw OpenBLAS sgemm on the
/// equivalent GEMMs (forward [Cout, Cin·k²]×[Cin·k², N·H·W]; backward the weight and input GEMMs).
enum ConvBench {
    struct Shape { let batch, cin, cout, size, kernel: Int }
    static let shapes = [Shape(batch: 16, cin: 32, cout: 32, size: 32, kernel: 3),
                         Shape(batch: 16, cin: 64, cout: 64, size: 16, kernel: 3),
                         Shape(batch: 16, cin: 64, cout: 64, size: 32, kernel: 3)]

    static func run(sgemmReference: (Int) -> Double) {
        var report = Report(title: "Conv2d 3×3, stride 1, pad 1 (GFLOPS = 2·MACs / time)",
                            header: ["N×Cin→Cout×H×W", "fwd", "fwd+bwd", "sgemm same GEMMs fwd+bwd", "fwd+bwd / sgemm"])
        for s in shapes {
            var rng = RNG(seed: 9)
            let x = Tensor.randn([s.batch, s.cin, s.size, s.size], rng: &rng).requiringGrad()
            let w = Tensor.randn([s.cout, s.cin, s.kernel, s.kernel], std: 0.1, rng: &rng).requiringGrad()
            let macs = Double(s.batch * s.cout * s.size * s.size * s.cin * s.kernel * s.kernel)
            let tFwd = Timing.median(repeats: 7) { _ = withNoGrad { conv2d(x, weight: w, padding: 1) } }
            let tStep = Timing.median(repeats: 7) {
                try! conv2d(x, weight: w, padding: 1).sum().backward()
                x.zeroGrad(); w.zeroGrad()
            }
            let tGemm = equivalentGEMMs(s)
            report.add("\(s.batch)×\(s.cin)→\(s.cout)×\(s.size)²", fmt(2 * macs / tFwd / 1e9), fmt(6 * macs / tStep / 1e9),
                       fmt(6 * macs / tGemm / 1e9), fmt(tGemm / tStep, 2))
        }
        report.publish()
        debugReleaseRatio()
    }

    /// Time of the three GEMMs a conv forward+backward performs, through raw sgemm (no im2col, no copies).
    static func equivalentGEMMs(_ s: Shape) -> Double {
        let k = s.cin * s.kernel * s.kernel, p = s.batch * s.size * s.size
        let w = Tensor.full([s.cout, k], 0.1), cols = Tensor.full([k, p], 0.2), y = Tensor.zeros([s.cout, p])
        let dW = Tensor.zeros([s.cout, k]), dCols = Tensor.zeros([k, p])
        return Timing.median(repeats: 7) {
            fia_sgemm(0, 0, Int32(s.cout), Int32(p), Int32(k), 1,
                        w.storage.pointer, Int32(k), cols.storage.pointer, Int32(p), 0, y.storage.pointer, Int32(p))
            fia_sgemm(0, 1, Int32(s.cout), Int32(k), Int32(p), 1,
                        y.storage.pointer, Int32(p), cols.storage.pointer, Int32(p), 0, dW.storage.pointer, Int32(k))
            fia_sgemm(1, 0, Int32(k), Int32(p), Int32(s.cout), 1,
                        w.storage.pointer, Int32(k), y.storage.pointer, Int32(p), 0, dCols.storage.pointer, Int32(p))
        }
    }

    /// Milliseconds for one conv forward+backward at 16×32→32×32² (the debug/release comparison).
    static func stepMilliseconds() -> Double {
        var rng = RNG(seed: 9)
        let x = Tensor.randn([16, 32, 32, 32], rng: &rng).requiringGrad()
        let w = Tensor.randn([32, 32, 3, 3], std: 0.1, rng: &rng).requiringGrad()
        let t = Timing.median(repeats: 11) {
            let y = relu(conv2d(x, weight: w, padding: 1))
            try! (y * y).mean().backward()
            x.zeroGrad(); w.zeroGrad()
        }
        return t * 1000
    }

    /// Runs `conv-step` in a release build of this benchmark and compares with this build's time.
    static func debugReleaseRatio() {
        let mine = stepMilliseconds()
        guard Timing.configuration == "debug" else {
            print("conv fwd+bwd step (release build): \(fmt(mine, 2)) ms — run the debug build (`swift run ablate-bench engine`) for the debug/release ratio\n")
            return
        }
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "-c", "release", "--product", "ablate-bench"]
        build.standardOutput = FileHandle.nullDevice
        build.standardError = FileHandle.nullDevice
        let run = Process()
        let pipe = Pipe()
        do {
            try build.run(); build.waitUntilExit()
            guard build.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
            run.executableURL = URL(fileURLWithPath: ".build/release/ablate-bench")
            run.arguments = ["conv-step"]
            run.standardOutput = pipe
            try run.run(); run.waitUntilExit()
        } catch {
            print("conv fwd+bwd step (debug build): \(fmt(mine, 2)) ms — the release build for comparison failed: \(error)\n")
            return
        }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let release = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        var report = Report(title: "Debug vs release build (conv 16×32→32×32², fwd+bwd)", header: ["build", "ms", "ratio"])
        report.add("release", fmt(release, 2), "1.00")
        report.add("debug (what `swift run` builds)", fmt(mine, 2), fmt(mine / release, 2))
        report.publish()
    }
}
