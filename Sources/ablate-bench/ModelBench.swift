import CKernels
import Foundation
import Harness
import NN
import RRSISData
import RRSISModels

/// `ablate-bench model [SPEC]`: for each of the nine alignment × scale variants of the default model (the
/// spec's base model, default `Ablations/full_grid.json`), at the spec's input size and batch: training
/// step time (forward + backward + AdamW), inference time per image, MACs per image, and model-FLOPs
/// utilisation = 3 × forward FLOPs per step / (step time × sgemm FLOP/s measured in the same run).
enum ModelBench {
    static func run(specPath: String) throws {
        let spec = try SpecLoader().load(specPath)
        let size = try spec.dataset.params.int("imageSize"), batch = spec.train.batchSize
        let sgemm = sgemmFLOPS()
        print("Model benchmark — \(Timing.configuration) build, \(spec.file): \(size)×\(size) images, batch \(batch); "
              + "sgemm reference \(fmt(sgemm / 1e9)) GFLOPS (1024×1024×1024, \(String(cString: fia_blas_core())))\n")
        var report = Report(title: "Training step and inference per variant",
                            header: ["variant", "params (M)", "GMACs/image", "train step (ms)", "infer (ms/image)", "MFU"])
        let grid = try SpecLoader().load("Ablations/full_grid.json")
        for cell in grid.cells {
            var model = spec.baseModel
            model.choices[.alignment] = cell.model.choices[.alignment]
            model.choices[.scale] = cell.model.choices[.scale]
            let segmenter = try ModelBuilders.segmenter(model, vocabulary: 200, seed: 1)
            let maxLength = try model.choices[.text]!.params.int("maxLength")
            let (images, text, target) = inputs(batch: batch, size: size, length: maxLength)
            let optimizer = AdamW(groups: segmenter.parameterGroups(weightDecay: 0.01), learningRate: 1e-4)
            let step = Timing.median(repeats: 5, warmup: 1) {
                try! Segmenter.loss(segmenter(images, text), target).backward()
                optimizer.step()
                segmenter.zeroGrad()
            }
            segmenter.eval()
            let counter = CostCounter()
            _ = Cost.counting(into: counter) { withNoGrad { segmenter(images, text) } }
            let infer = Timing.median(repeats: 5, warmup: 1) { _ = withNoGrad { segmenter(images, text) } }
            let flopsPerStep = 3 * Double(counter.totalFLOPs)
            report.add(cell.name, fmt(Double(segmenter.parameterCount) / 1e6, 2), fmt(Double(counter.totalMACs) / Double(batch) / 1e9, 3),
                       fmt(step * 1000), fmt(infer * 1000 / Double(batch), 2), fmt(100 * flopsPerStep / (step * sgemm)) + "%")
        }
        print(report.render())
    }

    static func sgemmFLOPS() -> Double {
        let n = 1024
        let a = Tensor.full([n, n], 0.5), b = Tensor.full([n, n], 0.25), c = Tensor.zeros([n, n])
        let t = Timing.median(repeats: 5) {
            fia_sgemm(0, 0, Int32(n), Int32(n), Int32(n), 1, a.storage.pointer, Int32(n), b.storage.pointer, Int32(n), 0,
                      c.storage.pointer, Int32(n))
        }
        return 2 * Double(n * n * n) / t
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
