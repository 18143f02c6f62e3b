import CKernels
import Foundation
import Experiment
import Harness
import Reporting
import Runner
import Cluster
import Declarations
import NN
import RRSISData
import RRSISModels

/// `ablate-bench model [SPEC]`: for each of the nine alignment × scale variants of the default model (the
/// spec's base model, default `Ablations/full_grid.json`), at the spec's input size and batch: training
/// step time (forward + backward + AdamW), inference time per image, MACs per image, and model-FLOPs
/// utilisation = 3 × forward FLOPs per step / (step time × sgemm FLOP/s measured in the same run).
///
/// This VM's speed drifts by up to 3× within a minute (the 1024³ sgemm read 98 and 301 GFLOPS in two runs
/// seconds apart), so the reference is not measured once: each training step is timed right after a
/// 1024³ sgemm, and MFU is the median over those pairs of step FLOP/s ÷ the sgemm FLOP/s next to it.
enum ModelBench {
    static func run(specPath: String) throws {
        let spec = try SpecLoader().load(specPath)
        let size = try spec.dataset.params.int("imageSize"), batch = spec.train.batchSize
        let reference = SgemmReference()
        print("Model benchmark — \(Timing.configuration) build, \(spec.file): \(size)×\(size) images, batch \(batch), "
              + "\(Parallel.workers) threads; reference: 1024³ sgemm through the engine (OpenBLAS \(String(cString: fia_blas_core())) "
              + "kernels), timed next to every step\n")
        var report = Report(title: "Training step and inference per variant",
                            header: ["variant", "params (M)", "GMACs/image", "train step (ms)", "infer (ms/image)", "sgemm (GFLOPS)", "MFU"])
        var references: [Double] = []
        let grid = try SpecLoader().load("Ablations/full_grid.json")
        for cell in grid.cells {
            let (segmenter, images, text, target, optimizer) = try variant(cell, of: spec, batch: batch, size: size)
            let counter = CostCounter()
            _ = Cost.counting(into: counter) { withNoGrad { segmenter(images, text) } }
            let flopsPerStep = 3 * Double(counter.totalFLOPs)
            var steps: [Double] = [], pairs: [(step: Double, sgemm: Double)] = []
            for round in 0..<8 {
                let sgemm = reference.measure()
                let step = Timing.seconds {
                    try! Segmenter.loss(segmenter(images, text), target).backward()
                    optimizer.step()
                    optimizer.zeroGrad()
                }
                if round == 0 { continue }   // warm-up: first-touch of every buffer
                steps.append(step)
                pairs.append((step, sgemm))
            }
            references += pairs.map(\.sgemm)
            segmenter.eval()
            let infer = Timing.median(repeats: 5, warmup: 1) { _ = withNoGrad { segmenter(images, text) } }
            let mfu = Timing.medianOf(pairs.map { flopsPerStep / $0.step / $0.sgemm })
            report.add(cell.name, fmt(Double(segmenter.parameterCount) / 1e6, 2), fmt(Double(counter.totalMACs) / Double(batch) / 1e9, 3),
                       fmt(Timing.medianOf(steps) * 1000), fmt(infer * 1000 / Double(batch), 2),
                       fmt(Timing.medianOf(pairs.map(\.sgemm)) / 1e9), fmt(100 * mfu) + "%")
        }
        report.publish()
        let sorted = references.sorted()
        print("\nsgemm reference over the run: min \(fmt(sorted.first! / 1e9)), median \(fmt(Timing.medianOf(sorted) / 1e9)), "
              + "max \(fmt(sorted.last! / 1e9)) GFLOPS; MFU and step time are medians of 7 paired measurements.")
    }

    /// `ablate-bench model [SPEC] --profile [VARIANT] [--steps N]`: where one training step goes, by op and shape —
    /// forward time is the time since the previous op was recorded, backward the op's gradient closure — plus the
    /// optimizer; milliseconds per step, averaged over `steps` steps after a warm-up. VARIANT is a row number
    /// (1–9) of the model benchmark's table; the default is the last, FIAM + TMEM.
    static func profile(specPath: String, variant: Int?, steps: Int) throws {
        let spec = try SpecLoader().load(specPath)
        let size = try spec.dataset.params.int("imageSize"), batch = spec.train.batchSize
        let cells = try SpecLoader().load("Ablations/full_grid.json").cells
        guard (1...cells.count).contains(variant ?? cells.count) else { throw ProfileArgumentError(rows: cells.count) }
        let cell = cells[(variant ?? cells.count) - 1]
        let (segmenter, images, text, target, optimizer) = try self.variant(cell, of: spec, batch: batch, size: size)
        let profile = OpProfile()
        var total = 0.0, optimizerSeconds = 0.0
        for round in 0...steps {
            let body = {
                total += Timing.seconds {
                    try! Segmenter.loss(segmenter(images, text), target).backward()
                    optimizerSeconds += Timing.seconds { optimizer.step(); optimizer.zeroGrad() }
                }
            }
            if round == 0 { body(); total = 0; optimizerSeconds = 0 } else { profile.measuring(body) }
        }
        print("Profile of one training step — \(cell.name), \(size)×\(size), batch \(batch), \(Parallel.workers) threads: "
              + "\(fmt(total * 1000 / Double(steps))) ms/step\n")
        var report = Report(title: "Time by op (ms per step)", header: ["op", "forward", "backward", "total", "share", "calls/step"])
        let perStep = { (s: Double) in fmt(s * 1000 / Double(steps), 2) }
        for entry in profile.byTotal {
            let sum = entry.forwardSeconds + entry.backwardSeconds
            report.add(entry.op, perStep(entry.forwardSeconds), perStep(entry.backwardSeconds), perStep(sum),
                       fmt(100 * sum / total) + "%", String(entry.forwardCalls / steps))
        }
        report.add("optimizer step + zeroGrad", "", "", perStep(optimizerSeconds), fmt(100 * optimizerSeconds / total) + "%", "1")
        report.publish()
    }

    struct ProfileArgumentError: Error, CustomStringConvertible {
        let rows: Int
        var description: String { "--profile VARIANT must be a row number of the model table, 1–\(rows)" }
    }

    /// FLOP/s of a 1024³ sgemm through the engine (the pool splits it over the cores), median of 3.
    struct SgemmReference {
        let n = 1024
        let a: Tensor, b: Tensor, c: Tensor
        init() {
            a = Tensor.full([n, n], 0.5); b = Tensor.full([n, n], 0.25); c = Tensor.zeros([n, n])
            _ = measure()
        }

        func measure() -> Double {
            let t = Timing.median(repeats: 3, warmup: 1) {
                fia_sgemm(0, 0, Int32(n), Int32(n), Int32(n), 1, a.storage.pointer, Int32(n), b.storage.pointer, Int32(n), 0,
                          c.storage.pointer, Int32(n))
            }
            return 2 * Double(n * n * n) / t
        }
    }

    /// The spec's base model with the cell's alignment and scale, a fixed random batch for it, and AdamW.
    static func variant(_ cell: Cell, of spec: AblationSpec, batch: Int, size: Int) throws
        -> (Segmenter, Tensor, TextInput, Tensor, AdamW) {
        var model = spec.baseModel
        model.choices[.alignment] = cell.model.choices[.alignment]
        model.choices[.scale] = cell.model.choices[.scale]
        let segmenter = try ModelCatalog.standard.segmenter(model, vocabulary: 200, seed: 1)
        let (images, text, target) = inputs(batch: batch, size: size, length: try model.choices[.text]!.params.int("maxLength"))
        return (segmenter, images, text, target, AdamW(groups: segmenter.parameterGroups(weightDecay: 0.01), learningRate: 1e-4))
    }

    static func inputs(batch: Int, size: Int, length: Int) -> (Tensor, TextInput, Tensor) {
        var rng = RNG(seed: 3)
        let images = Tensor.randn([batch, 3, size, size], rng: &rng)
        let words = (0..<batch).map { 6 + $0 % (length - 6) }
        var tokens: [Int] = [], full: [Float] = [], object: [Float] = [], position: [Float] = []
        for b in 0..<batch { for j in 0..<length {
            tokens.append(j < words[b] ? 2 + (b * 5 + j * 3) % 150 : 0)
            full.append(j < words[b] ? 1 : 0)
            object.append(j == 1 || j == 2 ? 1 : 0)
            position.append(j >= 3 && j < 6 ? 1 : 0)
        } }
        let mask = { (v: [Float]) in Tensor(shape: [batch, length], data: v) }
        let target = Tensor(shape: [batch, 1, size, size], data: (0..<(batch * size * size)).map { _ in rng.uniform() < 0.2 ? 1 : 0 })
        return (images, TextInput(tokens: tokens, batch: batch, length: length, fullMask: mask(full), objectMask: mask(object),
                                  positionMask: mask(position)), target)
    }
}
