import CKernels
import Foundation
import TensorEngine

/// `ablate-bench engine`: the engine's throughput against this machine's references, measured in one run.
enum EngineBench {
    static func run() {
        print("FIABench engine benchmark — \(Timing.configuration) build, \(Parallel.workers) workers (OpenBLAS \(String(cString: fia_blas_core())) kernels at \(fia_blas_threads()) thread; GEMMs split on the engine pool)\n")
        let peak = gemm()
        elementwise()
        transcendental()
        ConvBench.run(sgemmReference: peak)
        memory()
    }

    /// OpenBLAS with its own threading against the engine's matmul (OpenBLAS at one thread, products split
    /// on the engine's pool), at two square sizes and at two of the default model's skinny shapes.
    @discardableResult
    static func gemm() -> (Int) -> Double {
        var report = Report(title: "GEMM (GFLOPS, 2·M·N·K / time)",
                            header: ["M×K×N", "OpenBLAS, \(Parallel.workers) own threads", "engine matmul", "engine / OpenBLAS"])
        var raw: [Int: Double] = [:]
        // Warm-up: the first products of a process start the pool and fault in OpenBLAS's buffers (the first
        // 256³ row read 0.35× before this).
        let warm = Tensor.full([1024, 1024], 0.5)
        for _ in 0..<10 { _ = matmul(warm, warm) }
        for (m, k, n) in [(256, 256, 256), (1024, 1024, 1024), (4096, 32, 96), (4096, 96, 32)] {
            let a = Tensor.full([m, k], 0.5), b = Tensor.full([k, n], 0.25), c = Tensor.zeros([m, n])
            let flops = 2 * Double(m * n * k), repeats = m * n * k > 1 << 27 ? 5 : 21
            // The engine first: OpenBLAS's own workers keep spinning in sched_yield for a while after a call,
            // and would slow whatever runs next; they are given a second to fall asleep afterwards.
            let tEngine = Timing.median(repeats: repeats) { _ = matmul(a, b) }
            let tRaw = Timing.median(repeats: repeats) {
                fia_sgemm_openblas(Int32(Parallel.workers), 0, 0, Int32(m), Int32(n), Int32(k), 1, a.storage.pointer, Int32(k),
                                   b.storage.pointer, Int32(n), 0, c.storage.pointer, Int32(n))
            }
            Thread.sleep(forTimeInterval: 1)
            if m == k && k == n { raw[n] = flops / tRaw / 1e9 }
            report.add("\(m)×\(k)×\(n)", fmt(flops / tRaw / 1e9), fmt(flops / tEngine / 1e9), fmt(tRaw / tEngine, 2))
        }
        report.publish()
        return { raw[$0] ?? raw[1024]! }
    }

    /// Memory-bound maps against a plain copy on the same cores (bytes moved per second).
    static func elementwise() {
        let n = 1 << 24  // 64 MiB per operand: far beyond cache
        let a = Tensor.full([n], 1.5), b = Tensor.full([n], -0.5), dst = Tensor.zeros([n])
        let bytes = Double(n * 4)
        let tCopy = Timing.median(repeats: 9) {
            let src = a.storage.pointer, out = dst.storage.pointer
            Parallel.forChunks(n, grain: 1 << 17) { r in
                (out + r.lowerBound).update(from: src + r.lowerBound, count: r.count)
            }
        }
        let copyGBs = 2 * bytes / tCopy / 1e9
        var report = Report(title: "Elementwise (GB/s of memory traffic; 16M floats)", header: ["op", "GB/s", "of copy"])
        report.add("memory copy (reference)", fmt(copyGBs), "1.00")
        for (name, traffic, body) in [
            ("add", 3.0, { _ = a + b }), ("mul", 3.0, { _ = a * b }), ("relu", 2.0, { _ = relu(b) }),
            ("affine (2x + 1)", 2.0, { _ = a.affine(scale: 2, shift: 1) }),
        ] as [(String, Double, () -> Void)] {
            let t = Timing.median(repeats: 9, body)
            let gbs = traffic * bytes / t / 1e9
            report.add(name, fmt(gbs), fmt(gbs / copyGBs, 2))
        }
        report.publish()
    }

    /// exp, sigmoid and GELU in elements per second against scalar `expf`.
    static func transcendental() {
        let n = 1 << 22
        var rng = RNG(seed: 1)
        let x = Tensor.randn([n], std: 3, rng: &rng)
        let out = Tensor.zeros([n])
        let tScalar = Timing.median(repeats: 5) {
            let p = x.storage.pointer, q = out.storage.pointer
            for i in 0..<n { q[i] = Foundation.expf(p[i]) }
        }
        var report = Report(title: "Transcendentals (G elements/s, 4M floats, all cores)", header: ["op", "G elem/s", "vs scalar expf (1 core)"])
        report.add("scalar expf (reference)", fmt(Double(n) / tScalar / 1e9, 2), "1.0")
        for (name, f) in [("exp", { _ = exp(x) }), ("sigmoid", { _ = sigmoid(x) }), ("gelu", { _ = gelu(x) }), ("tanh", { _ = tanh(x) })] as [(String, () -> Void)] {
            let t = Timing.median(repeats: 7, f)
            report.add(name, fmt(Double(n) / t / 1e9, 2), fmt(tScalar / t, 1))
        }
        // Single-core figure, to compare with the ≥ 1 G/s per core target.
        let saved = Parallel.workers
        Parallel.workers = 1
        let tOne = Timing.median(repeats: 7) { _ = exp(x) }
        Parallel.workers = saved
        report.add("exp, 1 core", fmt(Double(n) / tOne / 1e9, 2), fmt(tScalar / tOne, 1))
        report.publish()
    }

    /// Peak memory of one forward+backward, and resident growth over 1,000 training steps.
    static func memory() {
        var rng = RNG(seed: 3)
        let w1 = Tensor.randn([256, 256], std: 0.05, rng: &rng).requiringGrad()
        let w2 = Tensor.randn([256, 1], std: 0.05, rng: &rng).requiringGrad()
        let x = Tensor.randn([512, 256], rng: &rng)
        func step() {
            let loss = square(matmul(gelu(matmul(x, w1)), w2)).mean()
            try! loss.backward()
            for w in [w1, w2] {
                let g = w.grad!.storage.pointer, p = w.storage.pointer
                for i in 0..<w.count { p[i] -= 1e-3 * g[i] }
                w.zeroGrad()
            }
        }
        for _ in 0..<20 { step() }
        BufferPool.shared.resetPeak()
        let before = BufferPool.shared.liveBytes
        step()
        let graphPeak = BufferPool.shared.peakLiveBytes - before
        let rss0 = Timing.residentBytes()
        for _ in 0..<1000 { step() }
        let rss1 = Timing.residentBytes()
        var report = Report(title: "Memory (two-layer MLP 512×256 → 256 → 1, fwd+bwd+SGD)", header: ["measure", "value"])
        report.add("tensor memory peak during one step", "\(graphPeak / 1024) KiB")
        report.add("resident before / after 1,000 steps", "\(rss0 / 1_048_576) MiB / \(rss1 / 1_048_576) MiB")
        report.add("growth over 1,000 steps", "\((rss1 - rss0) / 1024) KiB")
        report.add("process peak resident (VmHWM)", "\(Timing.peakResidentBytes() / 1_048_576) MiB")
        report.publish()
    }
}
