import Declarations
import Experiment
import Foundation
import NN
import RRSISData
import RRSISModels
import RunStore
import Statistics

/// The cost side of a run: parameters and MACs per component (at the evaluation resolution, batch 1),
/// FLOPs = 2 × MACs (the convention papers report; elementwise work is not included), training time per step and
/// epoch, inference time per image, and peak tensor memory during training (the engine's pool high-water mark).
enum RunCosts {
    /// Components reported, as (name, parameter/MAC path predicate).
    static let components: [(String, (String) -> Bool)] = [
        ("text", { $0.hasPrefix("text") }),
        ("backbone", { $0.hasPrefix("backbone") && !$0.contains(".align") }),
        ("alignment", { $0.hasPrefix("backbone") && $0.contains(".align") }),
        ("scale", { $0.hasPrefix("scale") }),
        ("decoder", { $0.hasPrefix("decoder") }),
    ]

    static func measure(_ model: Segmenter, data: RunData, trainSecondsPerStep: Double, trainSecondsPerEpoch: Double,
                        peakTensorBytes: Int) -> [CostRecord] {
        model.eval()
        defer { model.train() }
        // MACs of one forward pass on one validation image.
        let one = BatchLoader(dataset: data.val, batchSize: 1, shuffle: false).batch(epoch: 0, index: 0)
        let counter = CostCounter()
        _ = Cost.counting(into: counter) { withNoGrad { model(one) } }
        // Inference time per image: the median of three passes over one evaluation batch.
        let loader = BatchLoader(dataset: data.val, batchSize: Swift.min(16, data.val.count), shuffle: false)
        let batch = loader.batch(epoch: 0, index: 0)
        var times: [Double] = []
        for _ in 0..<3 {
            let start = now()
            _ = withNoGrad { model(batch) }
            times.append(now() - start)
        }
        let inferenceMs = 1000 * times.sorted()[1] / Double(batch.batchSize)

        let parameters = model.namedParameters()
        var records = components.map { name, owns in
            CostRecord(component: name,
                       params: parameters.filter { owns($0.name) }.reduce(0) { $0 + $1.tensor.count },
                       macs: counter.macs.filter { owns($0.key) }.values.reduce(0, +),
                       flops: 2 * counter.macs.filter { owns($0.key) }.values.reduce(0, +))
        }
        records.append(CostRecord(component: "total", params: model.parameterCount, macs: counter.totalMACs,
                                  flops: 2 * counter.totalMACs, trainSecondsPerStep: trainSecondsPerStep,
                                  trainSecondsPerEpoch: trainSecondsPerEpoch, inferenceMsPerImage: inferenceMs,
                                  peakMemoryBytes: peakTensorBytes))
        return records
    }
}
