import Declarations
import Dispatch
import Experiment
import Foundation
import NN
import RRSISData
import RRSISModels
import RunStore
import Statistics

/// Trains and evaluates one run (a cell × seed): the training loop, per-epoch validation, choosing the
/// checkpoint on val (never on test), the final val and test metrics with tag breakdowns, and the costs.
struct RunTrainer {
    let recipe: TrainingRecipe
    let data: RunData
    let seed: Int
    let progress: ProgressReporter?
    /// Where to write the test split's predicted masks as PNGs (`<id>.png`, 0/255), or nil.
    var predictionsFolder: URL? = nil
    /// How many test samples (the first, in split order) keep their predicted mask and IoU in `Outcome.predictions`.
    var qualitativeSamples = 0
    /// Consulted before every step; when it returns true the run stops there with `TrainingStopped`.
    var shouldStop: () -> Bool = { false }
    /// Told about every step (its loss and learning rate), e.g. to record them.
    var observer: TrainingObserver? = nil
    /// Given the model with the last epoch's weights, before the selected checkpoint is restored (to keep them).
    var atLastEpoch: ((Segmenter) throws -> Void)? = nil

    /// What a finished run stores.
    struct Outcome {
        var metrics: [MetricValue]
        var costs: [CostRecord]
        var summary: String
        /// Predicted masks of the first `qualitativeSamples` test samples, with their IoU.
        var predictions: [SamplePrediction] = []
        /// Per-sample intersection and union of the final val and test evaluations (`sample_results`).
        var samples: [SampleResult] = []
        /// The epoch whose weights were tested (and that the model holds when `run` returns).
        var selectedEpoch = 0
    }

    /// Trains `model`; `onEpoch` receives each epoch's curve points (the caller commits them).
    func run(_ model: Segmenter, onEpoch: ([CurvePoint]) throws -> Void) throws -> Outcome {
        // The splits decoupled as this model's text encoder asks, once per run (not per evaluation).
        let train = data.train.rephrased(model.text.phrases), valSplit = data.val.rephrased(model.text.phrases)
        let testSplit = data.test.rephrased(model.text.phrases)
        let loader = BatchLoader(dataset: train, batchSize: recipe.batchSize, shuffle: true,
                                 dropLast: recipe.dropLast && train.count >= recipe.batchSize, flips: .none, seed: UInt64(seed))
        let stepsPerEpoch = loader.batchCount, totalSteps = recipe.epochs * stepsPerEpoch
        let schedule = LRSchedule.warmupPoly(totalSteps: totalSteps, warmupSteps: Swift.min(recipe.warmup * stepsPerEpoch, totalSteps))
        let groups = model.parameterGroups(weightDecay: Float(recipe.weightDecay))
        let optimizer: Optimizer
        switch recipe.optimizer {
        case .sgd: optimizer = SGD(groups: groups, learningRate: Float(recipe.lr), momentum: 0.9)
        case .adamw: optimizer = AdamW(groups: groups, learningRate: Float(recipe.lr))
        }

        BufferPool.shared.resetPeak()
        var best: (score: Double, epoch: Int, snapshot: [[Float]])?
        var step = 0, trainSeconds = 0.0
        for epoch in 1...recipe.epochs {
            model.train()
            var lossSum = 0.0
            let epochStart = now()
            for index in 0..<stepsPerEpoch {
                if shouldStop() { throw TrainingStopped(epoch: epoch, step: step) }
                let batch = loader.batch(epoch: epoch - 1, index: index)
                optimizer.learningRate = schedule.learningRate(at: step, base: Float(recipe.lr))
                let loss = Segmenter.loss(model(batch), batch.masks)
                try loss.backward()
                optimizer.step()
                optimizer.zeroGrad()   // its parameter list is built once; Module.zeroGrad reflects every call
                step += 1
                let stepLoss = Double(loss.item())
                lossSum += stepLoss
                observer?.stepFinished(StepPoint(step: step, epoch: epoch, loss: stepLoss, lr: Double(optimizer.learningRate)))
                progress?.step(epoch: epoch, loss: stepLoss)
            }
            let epochSeconds = now() - epochStart
            trainSeconds += epochSeconds
            var points = [CurvePoint(epoch: epoch, step: step, split: "train", loss: lossSum / Double(stepsPerEpoch),
                                     lr: Double(optimizer.learningRate), seconds: trainSeconds)]
            var valMIoU: Double?
            if epoch % recipe.evalEvery == 0 || epoch == recipe.epochs {
                let evaluator = try evaluate(model, on: valSplit).metrics
                valMIoU = evaluator.overall.meanIoU
                points.append(CurvePoint(epoch: epoch, step: step, split: "val", mIoU: evaluator.overall.meanIoU,
                                         oIoU: evaluator.overall.overallIoU))
                let score = recipe.selectBy == .mIoU ? evaluator.overall.meanIoU : evaluator.overall.overallIoU
                if recipe.checkpoint == .bestVal, score > (best?.score ?? -1) {
                    best = (score, epoch, Self.snapshot(model))
                }
            }
            try onEpoch(points)
            progress?.epochFinished(epoch: epoch, valMIoU: valMIoU)
        }
        try atLastEpoch?(model)
        if let best { Self.restore(model, best.snapshot) }
        let peakTensorBytes = BufferPool.shared.peakLiveBytes

        let val = try evaluate(model, on: valSplit).metrics
        let (test, kept) = try evaluate(model, on: testSplit, savingTo: predictionsFolder, keeping: qualitativeSamples)
        var metrics = val.metricValues(split: "val") + test.metricValues(split: "test")
        metrics.append(MetricValue(split: "val", name: "selectedEpoch", value: Double(best?.epoch ?? recipe.epochs)))
        let costs = RunCosts.measure(model, data: data, trainSecondsPerStep: trainSeconds / Double(Swift.max(step, 1)),
                                     trainSecondsPerEpoch: trainSeconds / Double(recipe.epochs), peakTensorBytes: peakTensorBytes)
        let summary = String(format: "test mIoU %.2f, oIoU %.2f (epoch %d chosen on val)", 100 * test.overall.meanIoU,
                             100 * test.overall.overallIoU, best?.epoch ?? recipe.epochs)
        return Outcome(metrics: metrics, costs: costs, summary: summary, predictions: kept,
                       samples: val.sampleResults(split: "val") + test.sampleResults(split: "test"), selectedEpoch: best?.epoch ?? recipe.epochs)
    }

    /// Metrics of `model` on a split, in evaluation mode, broken down by the samples' tags; and the predicted
    /// masks (argmax of the two class logits, as `Segmenter.prediction`) with per-sample IoU of the split's
    /// first `keep` samples in split order.
    func evaluate(_ model: Segmenter, on dataset: PreparedDataset, savingTo folder: URL? = nil,
                  keeping keep: Int = 0) throws -> (metrics: SegmentationEvaluator, kept: [SamplePrediction]) {
        model.eval()
        defer { model.train() }
        var evaluator = SegmentationEvaluator()
        var kept: [SamplePrediction] = []
        // A split already decoupled for this model (as `run` passes them) is returned as it is.
        let loader = BatchLoader(dataset: dataset.rephrased(model.text.phrases), batchSize: recipe.batchSize, shuffle: false)
        for index in 0..<loader.batchCount {
            let batch = loader.batch(epoch: 0, index: index)
            let logits = withNoGrad { model(batch) }
            let targets = batch.masks.scalars.map { $0 >= 0.5 ? UInt8(1) : 0 }
            evaluator.addBatch(classLogits: logits.scalars, targets: targets, batch: batch.batchSize, tags: batch.tags.map(\.breakdown),
                               ids: batch.ids)
            if let folder { try Self.savePredictions(logits, ids: batch.ids, to: folder) }
            if kept.count < keep {
                // Unshuffled batches: the split's samples in order, so batch `index` starts at `index * batchSize`.
                kept += Self.keptPredictions(logits, targets: targets, ids: batch.ids, firstIndex: index * recipe.batchSize,
                                             limit: keep - kept.count)
            }
        }
        return (evaluator, kept)
    }

    /// The first `limit` samples of a batch as test-split `SamplePrediction`s: argmax masks and their IoU
    /// against `targets` (`[B, H, W]`, 0/1), counted as the metrics count it (0 when both are empty).
    static func keptPredictions(_ logits: Tensor, targets: [UInt8], ids: [String], firstIndex: Int, limit: Int) -> [SamplePrediction] {
        let (h, w) = (logits.shape[2], logits.shape[3]), n = h * w
        let masks = Segmenter.prediction(logits).scalars
        return ids.prefix(limit).enumerated().map { i, id in
            let mask = masks[(i * n)..<((i + 1) * n)].map { $0 > 0.5 ? UInt8(1) : 0 }
            var intersection = 0, union = 0
            for (p, t) in zip(mask, targets[(i * n)..<((i + 1) * n)]) {
                if p == 1 && t == 1 { intersection += 1 }
                if p == 1 || t == 1 { union += 1 }
            }
            return SamplePrediction(split: "test", sampleID: id, sampleIndex: firstIndex + i, width: w, height: h, mask: mask,
                                    iou: union == 0 ? 0 : Double(intersection) / Double(union))
        }
    }

    /// Writes each sample's argmax mask as an 8-bit PNG (255 = target).
    static func savePredictions(_ logits: Tensor, ids: [String], to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (h, w) = (logits.shape[2], logits.shape[3])
        let masks = Segmenter.prediction(logits).scalars
        for (i, id) in ids.enumerated() {
            let mask = masks[(i * h * w)..<((i + 1) * h * w)].map { $0 > 0.5 ? UInt8(255) : 0 }
            try PNGCodec.writeMask(mask, width: w, height: h, to: folder.appendingPathComponent("\(id).png"))
        }
    }

    /// Copies of every parameter and buffer (the checkpoint chosen on val is kept in memory).
    static func snapshot(_ model: Module) -> [[Float]] {
        (model.namedParameters() + model.namedBuffers()).map { $0.tensor.scalars }
    }

    static func restore(_ model: Module, _ values: [[Float]]) {
        for ((_, tensor), saved) in zip(model.namedParameters() + model.namedBuffers(), values) {
            saved.withUnsafeBufferPointer { tensor.storage.pointer.update(from: $0.baseAddress!, count: saved.count) }
        }
    }
}

/// Monotonic seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
