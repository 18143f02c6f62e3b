import Foundation
import RRSISData
import Testing
@testable import Harness
@testable import RunStore
import RRSISModels

/// `ablate Ablations/smoke.json` for real: data generation, training, the store, the report — then a
/// rerun that must train nothing, and a resume after an interrupted run.
@Suite(.serialized)
struct EndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func runner(_ dir: TempDir, log: Log) -> AblationRunner {
        var runner = AblationRunner(specPath: Self.repository + "/Ablations/smoke.json")
        runner.storePath = dir.path + "/fiabench.sqlite"
        runner.resultsRoot = dir.path + "/Results"
        runner.output = { log.text += $0 }
        return runner
    }

    final class Log { var text = "" }

    @Test func smokeSpecTrainsStoresReportsAndResumes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let log = Log()
        let report = try runner(dir, log: log).run()
        #expect(log.text.contains("2 runs (2 cells × 1 seeds), 0 already finished"))
        #expect(report.contains("Coarse alignment") && report.contains("FIAM"))

        // The database holds both runs, finished, with test and val metrics, curves and costs.
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        let runs = try store.runs(spec: "smoke")
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.status == .finished })
        for run in runs {
            let metrics = try store.metrics(runKey: run.record.runKey)
            let test = metrics.filter { $0.split == "test" && $0.tag == nil }
            #expect(Set(test.map(\.name)).isSuperset(of: ["oIoU", "mIoU", "Pr@0.5", "Pr@0.9"]))
            #expect(test.allSatisfy { $0.value >= 0 && $0.value <= 1 })
            #expect(metrics.contains { $0.tag?.hasPrefix("scale=") ?? false })
            let curves = try store.curves(runKey: run.record.runKey)
            #expect(curves.filter { $0.split == "train" }.count == 2)       // two epochs
            #expect(curves.filter { $0.split == "val" }.count == 2)
            let total = try store.costs(runKey: run.record.runKey).first { $0.component == "total" }
            #expect((total?.params ?? 0) > 0 && (total?.macs ?? 0) > 0 && (total?.trainSecondsPerStep ?? 0) > 0)
        }
        let table = try String(contentsOfFile: dir.path + "/Results/smoke/table.md", encoding: .utf8)
        #expect(table.contains("FIAM"))

        // Both runs start from the same two pretrained artifacts; costs.md gives their cost once, and each
        // run's fine-tuning time.
        let pretraining = try runs.map { try store.pretraining(runKey: $0.record.runKey) }
        #expect(pretraining.allSatisfy { $0.map(\.slot) == ["backbone", "text"] })
        #expect(pretraining[0].map(\.artifact) == pretraining[1].map(\.artifact))
        #expect(pretraining[0].allSatisfy { ($0.seconds ?? -1) >= 0 && $0.threads != nil && $0.recipe.hasPrefix("pretrain=")
                                             && ($0.finalAccuracy ?? -1) >= 0 && ($0.finalAccuracy ?? 2) <= 1 })
        let costs = try String(contentsOfFile: dir.path + "/Results/smoke/costs.md", encoding: .utf8)
        #expect(costs.contains("Fine-tuning (min/run)") && costs.contains("## Pretraining (once per configuration)"))
        for record in pretraining[0] {
            #expect(costs.components(separatedBy: "| `\(record.artifact)` |").count == 2, "\(record.artifact) listed once")
            #expect(costs.contains("- `\(record.artifact)`: `\(record.recipe)`"))
        }

        // A rerun trains nothing and reports the same table.
        let again = Log()
        let second = try runner(dir, log: again).run()
        #expect(again.text.contains("2 already finished") && again.text.contains("0 to train"))
        #expect(second == report)

        // An interrupted ablation: mark one run as cut short; the rerun trains exactly that one.
        let cut = runs[1].record
        let original = try store.metrics(runKey: cut.runKey)
        try store.beginRun(cut)   // as if the process had died during this run
        let resumed = Log()
        _ = try runner(dir, log: resumed).run()
        #expect(resumed.text.contains("1 already finished") && resumed.text.contains("1 to train"))
        #expect(try store.runs(spec: "smoke").allSatisfy { $0.status == .finished })
        // Same seed, same data: the retrained run reproduces its metrics exactly.
        let retrained = try ResultStore(path: dir.path + "/fiabench.sqlite").metrics(runKey: cut.runKey)
        func key(_ m: MetricValue) -> String { "\(m.split)/\(m.name)/\(m.tag ?? "")" }
        #expect(retrained.sorted { key($0) < key($1) } == original.sorted { key($0) < key($1) })
    }

    @Test func savedPredictionsAreOneMaskPerTestSample() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var r = runner(dir, log: Log())
        r.overrides = ["train.epochs=1", "variants.rows=[{\"name\": \"FIAM\", \"model\": {\"alignment\": \"fiam\"}}]",
                       "baseline=\"FIAM\""]
        r.savePredictions = true
        try r.run()
        let runs = try ResultStore(path: dir.path + "/fiabench.sqlite").runs(spec: "smoke")
        #expect(runs.count == 1)
        let folder = dir.path + "/Results/smoke/runs/\(runs[0].record.runKey)/predictions"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }
        #expect(files.count == 16)   // smoke.json's test split
        let mask = try PNGCodec.readMask(URL(fileURLWithPath: folder + "/" + files[0]))
        #expect(mask.width == 64 && mask.height == 64)
        #expect(mask.mask.allSatisfy { $0 == 0 || $0 == 1 })
    }
}
