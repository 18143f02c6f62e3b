import Foundation
import RRSISData
import RRSISModels
import TensorEngine
import Testing
@testable import Experiment
@testable import RunStore
@testable import Runner
@testable import Figures
import RRSISModels

/// Qualitative predictions: the spec option, their capture during the test evaluation, the store round trip
/// and the panel that draws them.
struct QualitativeTests {
    /// A spec small enough to build and evaluate in a moment: 6 test samples, batches of 4, 64 pixels (the
    /// smallest size a spec accepts).
    static let tinySpec = """
    {
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 6},
      "model": \(Fixtures.tinyModel),
      "train": {"epochs": 1, "batchSize": 4, "warmup": 0, "lr": 1e-3},
      "seeds": [0],
      "variants": {"rows": [{"name": "FIAM"}]}
    }
    """

    @Test func qualitativeOptionIsValidatedAndNotPartOfRunKeys() throws {
        let base = try Fixtures.alignment()
        #expect(base.report.qualitative == 4)
        let eight = try Fixtures.alignment { try $0.set("report", #"{"qualitative": 8}"#) }.get()
        #expect(eight.report.qualitative == 8)
        #expect(Plan(eight).runs.map(\.runKey) == Plan(base).runs.map(\.runKey))
        for bad in ["33", "-1", "\"4\""] {
            let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("report", #"{"qualitative": \#(bad)}"#) })
            #expect(issues.map(\.path) == ["report.qualitative"], "qualitative = \(bad)")
        }
    }

    @Test func testEvaluationKeepsTheFirstKSamplesWithArgmaxMasksAndTheirIoU() throws {
        let spec = try Fixtures.validate(Self.tinySpec).get()
        let data = try RunData(spec, maxLength: 8, cacheRoot: nil)
        let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: data.train.vocabulary.count, seed: 0)
        // An untrained model may call every pixel background; move the classifier's target bias so that about
        // half the pixels of the first batch win, or the mask comparisons below would be vacuous.
        model.eval()
        let first = withNoGrad { model(BatchLoader(dataset: data.test, batchSize: 4, shuffle: false).batch(epoch: 0, index: 0)) }
        let plane = 64 * 64, values = first.scalars
        let margins = (0..<4).flatMap { b in (0..<plane).map { values[(2 * b + 1) * plane + $0] - values[2 * b * plane + $0] } }.sorted()
        (model.decoder as! LAVTDecoder).classifier.bias!.storage.pointer[1] -= margins[margins.count / 2]
        let trainer = RunTrainer(recipe: spec.train, data: data, seed: 0, progress: nil)
        let (metrics, kept) = try trainer.evaluate(model, on: data.test, keeping: 5)
        #expect(metrics.overall.count == 6)
        // Five of six samples, across the two batches (4 + 1), in split order.
        #expect(kept.map(\.sampleIndex) == [0, 1, 2, 3, 4])
        #expect(kept.map(\.sampleID) == Array(data.test.ids.prefix(5)))
        #expect(kept.allSatisfy { $0.split == "test" && $0.width == 64 && $0.height == 64 })

        // The same batches again: each mask is the argmax of its two class logits, and its IoU is I / U.
        model.eval()
        let loader = BatchLoader(dataset: data.test, batchSize: 4, shuffle: false)
        var logits: [Float] = []
        for b in 0..<loader.batchCount { logits += withNoGrad { model(loader.batch(epoch: 0, index: b)) }.scalars }
        let n = 64 * 64
        var foreground = 0
        for p in kept {
            let i = p.sampleIndex
            let expected = (0..<n).map { k in logits[(2 * i + 1) * n + k] > logits[2 * i * n + k] ? UInt8(1) : 0 }
            #expect(zip(p.mask, expected).filter { $0 != $1 }.count == 0 && p.mask.count == n, "sample \(i): mask differs from the argmax")
            let truth = (0..<n).map { data.test.masks[i * n + $0] >= 0.5 }
            let inter = (0..<n).filter { p.mask[$0] == 1 && truth[$0] }.count, union = (0..<n).filter { p.mask[$0] == 1 || truth[$0] }.count
            #expect(p.iou == (union == 0 ? 0 : Double(inter) / Double(union)))
            foreground += p.mask.reduce(0) { $0 + Int($1) }
        }
        #expect(foreground > 0 && foreground < 5 * n, "an untrained model should predict some, not all, pixels")

        #expect(try trainer.evaluate(model, on: data.test).kept.isEmpty)
        #expect(try trainer.evaluate(model, on: data.test, keeping: 32).kept.count == 6)
    }

    static func prediction(_ id: String, _ index: Int, fill: UInt8, iou: Double?, split: String = "test") -> SamplePrediction {
        SamplePrediction(split: split, sampleID: id, sampleIndex: index, width: 3, height: 2, mask: [fill, 0, 1, fill, 1, 0], iou: iou)
    }

    @Test func predictionsRoundTripThroughTheStore() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/p.sqlite")
        let plan = Plan(try Fixtures.alignment())
        let run = plan.runs[0]
        try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
        let kept = [Self.prediction("b", 1, fill: 1, iou: 0.25), Self.prediction("a", 0, fill: 0, iou: nil)]
        try store.finishRun(runKey: run.runKey, metrics: [MetricValue(split: "test", name: "mIoU", value: 0.5)], costs: [], predictions: kept)
        #expect(try store.predictions(runKey: run.runKey) == [kept[1], kept[0]])      // split order
        #expect(try store.predictions(runKey: run.runKey, split: "val").isEmpty)

        // Recording again replaces the split's rows; finishing without predictions keeps them.
        let val = Self.prediction("v", 0, fill: 1, iou: 1, split: "val")
        try store.recordPredictions(runKey: run.runKey, [Self.prediction("c", 2, fill: 1, iou: 0.5), val])
        try store.finishRun(runKey: run.runKey, metrics: [], costs: [])
        #expect(try store.predictions(runKey: run.runKey).map(\.sampleID) == ["c"])
        #expect(try store.predictions(runKey: run.runKey, split: "val") == [val])
        #expect(throws: StoreError.unknownRun(runKey: "nope")) { try store.recordPredictions(runKey: "nope", [val]) }

        // Restarting the run clears them with its other results.
        try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
        #expect(try store.predictions(runKey: run.runKey).isEmpty)
    }

    @Test func panelDrawsImageTruthAndPredictionsInAGrid() throws {
        // A 4×4 gray image with a 2×2 target in its top-left corner; one variant predicts it, one kept nothing.
        let image = PixelImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 100, count: 16))
        var truth = [UInt8](repeating: 0, count: 16)
        for i in [0, 1, 4, 5] { truth[i] = 1 }
        let panel = QualitativePanel(title: "t", variants: ["A", "B"], samples: [
            QualitativeSample(id: "s0", expression: "the ship at the top left", image: image, truth: truth,
                              predictions: [(mask: truth, iou: 1), nil]),
        ])
        let canvas = panel.render()
        let side = QualitativePanel.side, m = Figure.margin
        #expect(canvas.width == 2 * m + 4 * side + 3 * 12)
        let png = try canvas.png()
        let dir = try TempDir()
        defer { dir.remove() }
        let url = URL(fileURLWithPath: dir.path + "/q.png")
        try png.write(to: url)
        let decoded = try PNGCodec.read(url)
        #expect(decoded.width == canvas.width && decoded.height == canvas.height && decoded.channels == 3)

        // Find the image row: the first row where column m shows the gray image.
        let top = try #require((0..<canvas.height).first { canvas[m + side / 2, $0] == RGB(100, 100, 100) })
        func cell(_ c: Int, _ x: Int, _ y: Int) -> RGB { canvas[m + c * (side + 12) + x, top + y] }
        // Image column: untouched gray. Truth column: the target quarter outlined in green at its corner, tinted
        // inside (0.45 · green + 0.55 · 100), gray outside.
        #expect(cell(0, 10, 10) == RGB(100, 100, 100))
        #expect(cell(1, 0, 0) == QualitativePanel.truthColour)
        #expect(cell(1, side / 4, side / 4) == RGB(100, 100, 100).blended(with: QualitativePanel.truthColour, alpha: 0.45))
        #expect(cell(1, 3 * side / 4, 3 * side / 4) == RGB(100, 100, 100))
        #expect(cell(2, side / 4, side / 4) == RGB(100, 100, 100).blended(with: QualitativePanel.predictionColour, alpha: 0.45))
        #expect(cell(3, side / 4, side / 4) == RGB.grid)    // no prediction: a gray placeholder
    }
}
