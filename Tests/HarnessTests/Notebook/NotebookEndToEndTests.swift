import Foundation
import RRSISData
import Testing
@testable import Harness
@testable import Experiment
@testable import RunStore
@testable import Runner
@testable import Figures
import RRSISModels

/// A real (tiny) ablation: training keeps the qualitative predictions, the report draws the figures from the
/// store, and the exported notebook embeds them and its code reads the store.
struct NotebookEndToEndTests {
    /// Two variants × two seeds × two epochs on 64-pixel scenes; three kept test samples.
    static let spec = """
    {
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 8, "val": 4, "test": 4},
      "model": \(Fixtures.tinyModel),
      "train": {"epochs": 2, "batchSize": 4, "warmup": 0, "lr": 1e-3},
      "seeds": [0, 1],
      "variants": {"rows": [{"name": "Coarse", "model": {"alignment": "coarse"}}, {"name": "FIAM"}]},
      "report": {"qualitative": 3}
    }
    """

    /// Trains the spec in `dir` (store `dir/Results/fiabench.sqlite`); returns the spec path and the report text.
    static func train(in dir: TempDir) throws -> (spec: String, report: String) {
        let specPath = try dir.write("Ablations/tiny.json", spec)
        var runner = AblationRunner(specPath: specPath)
        runner.storePath = dir.path + "/Results/fiabench.sqlite"
        runner.resultsRoot = dir.path + "/Results"
        runner.output = { _ in }
        return (specPath, try runner.run())
    }

    @Test func trainingKeepsPredictionsAndTheReportAndNotebookShowThem() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (specPath, report) = try Self.train(in: dir)
        let results = dir.path + "/Results/tiny"
        for file in ["curves.png", "steps.png", "lr.png", "bars.png", "deltas.png", "breakdown.png", "qualitative.png"] {
            #expect(report.contains(results + "/" + file), "report lists \(file)")
        }

        // Each run kept the first three test samples, in split order, as 64×64 binary masks.
        let store = try ResultStore(path: dir.path + "/Results/fiabench.sqlite")
        let runs = try store.runs(spec: "tiny")
        #expect(runs.count == 4 && runs.allSatisfy { $0.status == .finished })
        let testIDs = try RunData.samples(of: .test, spec: SpecLoader().load(specPath), cacheRoot: nil).map(\.id)
        for run in runs {
            let kept = try store.predictions(runKey: run.record.runKey)
            #expect(kept.map(\.sampleIndex) == [0, 1, 2])
            #expect(kept.map(\.sampleID) == Array(testIDs.prefix(3)))
            #expect(kept.allSatisfy { $0.width == 64 && $0.height == 64 && $0.mask.allSatisfy { $0 <= 1 } && ($0.iou ?? -1) >= 0 })
            // Every step (8 samples in batches of 4: two per epoch) with its loss and learning rate; each epoch's
            // curve point is the mean of its steps' losses, and its lr the last step's.
            let steps = try store.steps(runKey: run.record.runKey)
            #expect(steps.map(\.step) == [1, 2, 3, 4] && steps.map(\.epoch) == [1, 1, 2, 2])
            for p in try store.curves(runKey: run.record.runKey) where p.split == "train" {
                let epoch = steps.filter { $0.epoch == p.epoch }
                #expect(abs(epoch.map(\.loss).reduce(0, +) / 2 - p.loss!) < 1e-6 && epoch.last?.lr == p.lr && p.step == epoch.last?.step)
            }
            // No warm-up: polynomial decay from the spec's lr = 1e-3 over 4 steps, 1e-3 · (1 - t/4)^0.9 at step t + 1.
            let schedule = (0..<4).map { 1e-3 * pow(1 - Double($0) / 4, 0.9) }
            #expect(zip(steps.map(\.lr), schedule).allSatisfy { abs($0 - $1) < 1e-9 }, "\(steps.map(\.lr))")
            let cell = run.record.cellName == "Coarse" ? "01-Coarse" : "02-FIAM"
            let events = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/Results/tensorboard/tiny/\(cell)/seed-\(run.record.seed)")
            #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."))
        }

        // The figures decode; the curves and bars carry both variants' colours.
        let curves = try PNGCodec.read(URL(fileURLWithPath: results + "/curves.png"))
        #expect(curves.width == 1280 && curves.channels == 3)
        let bars = try PNGCodec.read(URL(fileURLWithPath: results + "/bars.png"))
        for image in [curves, bars] {
            let colours = Set(stride(from: 0, to: image.pixels.count, by: 3).map { RGB(image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2]) })
            #expect(colours.contains(Palette.colour(0)) && colours.contains(Palette.colour(1)))
        }
        let panel = try PNGCodec.read(URL(fileURLWithPath: results + "/qualitative.png"))
        #expect(panel.width == 2 * Figure.margin + 4 * QualitativePanel.side + 3 * 12)

        // The notebook embeds exactly the report's figures, and passes the nbformat 4.5 checks.
        let out = dir.path + "/notebooks-export"
        let message = try HarnessCommands.exportNotebook(spec: specPath, storePath: dir.path + "/Results/fiabench.sqlite",
                                                         resultsRoot: dir.path + "/Results", outputFolder: out)
        #expect(message.hasPrefix("wrote \(out)/tiny.ipynb (17 cells, 7 figures)"))
        let parsed = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: out + "/tiny.ipynb")))
        var embedded: [Data] = []
        #expect(NotebookChecks.problems(parsed) { embedded.append($0); _ = try NotebookChecks.decode($0) } == [])
        let files = try ["curves.png", "steps.png", "lr.png", "bars.png", "deltas.png", "breakdown.png", "qualitative.png"].map { try Data(contentsOf: URL(fileURLWithPath: results + "/" + $0)) }
        #expect(embedded == files)
    }

    @Test(.enabled(if: Python.hasPandas, "needs python3 with pandas"))
    func notebookCodeRunsAgainstTheStore() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (specPath, _) = try Self.train(in: dir)
        let out = dir.path + "/notebooks-export"
        _ = try HarnessCommands.exportNotebook(spec: specPath, storePath: dir.path + "/Results/fiabench.sqlite",
                                              resultsRoot: dir.path + "/Results", outputFolder: out)
        let parsed = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: out + "/tiny.ipynb")))
        // The cells in order, from the notebook's folder as Jupyter runs them, then checks of what they loaded.
        let script = NotebookChecks.codeCells(parsed).joined(separator: "\n") + """

            assert len(runs) == 4, runs
            assert sorted(summary.index.get_level_values("cell_name")) == ["Coarse", "FIAM"], summary
            assert list(summary["mean"].columns) == ["oIoU", "mIoU", "Pr@0.5", "Pr@0.6", "Pr@0.7", "Pr@0.8", "Pr@0.9"], summary.columns
            assert ((summary["mean"] >= 0) & (summary["mean"] <= 100)).all().all(), summary
            assert len(curves) == 4 * 2 * 2, curves
            assert sorted(kept["sample_index"].unique()) == [0, 1, 2], kept
            assert len(kept) == 2 * 3, kept
            assert len(steps) == 4 * 4, steps
            assert lr.pivot_table(index="step", columns="cell_name", values="lr", aggfunc="first").shape == (4, 2), lr
            print("ok")

            """
        let result = Python.run(["-"], input: script, in: out)
        #expect(result.status == 0 && result.output.hasSuffix("ok\n"), "\(result.output)")
    }
}
