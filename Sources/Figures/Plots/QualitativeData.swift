import Declarations
import Experiment
import Foundation
import RRSISData
import Reporting
import RunStore
import Statistics

extension ReportPlots {
    /// The qualitative panel: the test samples whose predictions the runs of the spec's first seed kept, with
    /// their images and ground truth from the dataset and each variant's predicted mask and IoU from the
    /// store. Nil when no such run kept predictions.
    /// - Throws: when the dataset cannot be loaded (e.g. a real dataset's folder is not on this machine).
    /// - Parameter testSamples: the dataset's test split, as prepared for the runs (called only when some run kept predictions).
    public static func qualitative(_ plan: Plan, store: ResultStore, testSamples: TestSamples) throws -> QualitativePanel? {
        guard let seed = plan.spec.seeds.first else { return nil }
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        let columns = plan.spec.cells.map { cell -> String? in
            guard let run = plan.runs(of: cell).first(where: { $0.seed == seed }), statuses[run.runKey] == .finished else { return nil }
            return run.runKey
        }
        let samples = try qualitativeSamples(columns: columns, store: store, testSamples: testSamples)
        guard !samples.isEmpty else { return nil }
        return QualitativePanel(
            title: "\(plan.spec.name): test predictions (seed \(seed))",
            note: "Green: ground truth; red: predicted mask; IoU in percent. The first \(samples.count) test samples in split order.",
            variants: plan.spec.cells.map(\.name), samples: samples)
    }

    /// The rows of a qualitative panel whose prediction columns are the runs `columns` (nil: an empty column):
    /// every test sample one of them kept a prediction of, in split order, with image and ground truth at the
    /// predictions' resolution. Empty when no run kept predictions (then the dataset is not loaded).
    public static func qualitativeSamples(columns: [String?], store: ResultStore, testSamples: TestSamples) throws -> [QualitativeSample] {
        var perCell: [[String: SamplePrediction]] = []
        var order: [(id: String, index: Int)] = []
        for runKey in columns {
            var kept: [String: SamplePrediction] = [:]
            if let runKey {
                for p in try store.predictions(runKey: runKey, split: "test") {
                    kept[p.sampleID] = p
                    if !order.contains(where: { $0.id == p.sampleID }) { order.append((p.sampleID, p.sampleIndex)) }
                }
            }
            perCell.append(kept)
        }
        guard !order.isEmpty else { return [] }
        order.sort { ($0.index, $0.id) < ($1.index, $1.id) }

        let test = try testSamples()
        let byID = Dictionary(test.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var samples: [QualitativeSample] = []
        for (id, _) in order {
            guard let sample = byID[id], let size = perCell.lazy.compactMap({ $0[id] }).first.map({ ($0.width, $0.height) }) else { continue }
            // Predictions are at the evaluation resolution; show the image and ground truth at the same size.
            let (w, h) = size
            let image = sample.image.width == w && sample.image.height == h ? sample.image : Resize.bilinear(sample.image, width: w, height: h)
            let truth = sample.image.width == w && sample.image.height == h
                ? sample.mask : Resize.nearest(sample.mask, width: sample.image.width, height: sample.image.height, toWidth: w, height: h)
            let predictions = perCell.map { kept in kept[id].flatMap { $0.width == w && $0.height == h ? (mask: $0.mask, iou: $0.iou) : nil } }
            samples.append(QualitativeSample(id: id, expression: sample.expression, image: image, truth: truth, predictions: predictions))
        }
        return samples
    }
}
