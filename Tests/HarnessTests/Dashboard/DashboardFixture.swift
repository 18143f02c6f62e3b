import Foundation
@testable import Dashboard
@testable import Experiment
@testable import Runner
@testable import RunStore
import RRSISModels

/// A store with a tiny spec's runs at two commits (the second variant loses 10 points at the second commit),
/// per-epoch curves, costs, one kept prediction per run, and two benchmark recordings; and its dashboard.
struct DashboardFixture {
    static let first = "aaaa111122223333444455556666777788889999"
    static let second = "bbbb111122223333444455556666777788889999"
    static let spec = """
    {
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2},
      "model": \(Fixtures.tinyModel),
      "train": {"epochs": 2, "batchSize": 2, "warmup": 0, "lr": 1e-3},
      "seeds": [0, 1, 2],
      "variants": {"rows": [{"name": "Coarse", "model": {"alignment": "coarse"}}, {"name": "FIAM"}]}
    }
    """

    let dir: TempDir
    let storePath: String
    let site: String
    let output: DashboardSite.Output

    init() throws {
        dir = try TempDir()
        let specPath = try dir.write("Ablations/demo.json", Self.spec)
        let spec = try SpecLoader().load(specPath)
        storePath = dir.path + "/Results/fiabench.sqlite"
        let store = try ResultStore(path: storePath)
        let test = try RunData.samples(of: .test, spec: spec, cacheRoot: nil)
        for (c, commit) in [Self.first, Self.second].enumerated() {
            let plan = Plan(spec, commit: commit)
            for run in plan.runs {
                // Coarse 70, 71, 72 at both commits; FIAM 80, 81, 82, then 70, 71, 72: a 10-point regression.
                let mIoU = Double(70 + run.seed + (run.cell.index == 1 && c == 0 ? 10 : 0))
                let finished = Date(timeIntervalSince1970: 1_800_000_000 + Double(c * 1000 + run.cell.index * 10 + run.seed))
                try store.beginRun(RunRecord(run, of: plan, commit: commit, dirty: false, toolchain: "t", host: "h", cores: 2, threads: 1,
                                             startedAt: finished.addingTimeInterval(-60)))
                try store.recordEpoch(runKey: run.runKey, points: [CurvePoint(epoch: 1, step: 2, split: "train", loss: 0.9),
                                                                   CurvePoint(epoch: 1, step: 2, split: "val", mIoU: 0.3)])
                try store.recordEpoch(runKey: run.runKey, points: [CurvePoint(epoch: 2, step: 4, split: "train", loss: 0.6),
                                                                   CurvePoint(epoch: 2, step: 4, split: "val", mIoU: 0.4)])
                let mask = [UInt8](repeating: 0, count: 64 * 64 - 100) + [UInt8](repeating: 1, count: 100)
                try store.finishRun(runKey: run.runKey, metrics: [MetricValue(split: "test", name: "mIoU", value: mIoU / 100),
                                                                  MetricValue(split: "test", name: "oIoU", value: mIoU / 100)],
                                    costs: [CostRecord(component: CostRecord.total, params: 1000, macs: 9000, flops: 18000, trainSecondsPerStep: 0.2,
                                                       inferenceMsPerImage: 10)],
                                    predictions: [SamplePrediction(split: "test", sampleID: test[0].id, sampleIndex: 0, width: 64, height: 64,
                                                                   mask: mask, iou: 0.5)],
                                    finishedAt: finished)
            }
        }
        let bench = { (at: String, commit: String, gflops: Double) in
            BenchmarkRecord(suite: "engine", table: "GEMM (GFLOPS)", row: "256×256×256", column: "engine matmul", value: gflops,
                            commit: commit, dirty: false, host: "h", configuration: "release", recordedAt: at)
        }
        try store.recordBenchmarks([bench("2026-12-01T10:00:00.000Z", Self.first, 40), bench("2026-12-02T10:00:00.000Z", Self.second, 44)])
        site = dir.path + "/Results/dashboard"
        output = try DashboardSite.write(store: try ResultStore.reading(storePath), into: site, specsFolder: dir.path + "/Ablations",
                                         resultsRoot: dir.path + "/Results", subject: { $0 == Self.second ? "Make FIAM worse" : nil })
    }

    func page(_ name: String) throws -> String { try String(contentsOfFile: site + "/" + name, encoding: .utf8) }

    /// Every `href="…"` and `src="…"` of an HTML page.
    static func links(_ html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"(?:href|src)="([^"]*)""#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range(at: 1), in: html)!]) }
    }
}
