import Foundation
@testable import Experiment
@testable import RunStore
import Statistics

/// The alignment spec (3 cells × 3 seeds) in a temporary folder, with finished runs recorded through the store's
/// own API: mIoU of cell c, seed s is 40 + 10c + s points; timings come from `times`.
struct ReportFixture {
    let dir: TempDir
    let specPath: String
    let storePath: String
    var resultsRoot: String { dir.path + "/Results" }

    init() throws {
        dir = try TempDir()
        specPath = try dir.write("Ablations/demo.json", Fixtures.alignmentSpec)
        storePath = dir.path + "/Results/fiabench.sqlite"
    }

    /// Records the runs of `seeds` as finished under `commit`; train s/epoch and infer ms/image of a run are `times(cell, seed)`.
    func finish(seeds: [Int] = [0, 1, 2], commit: String? = nil,
                times: (Int, Int) -> (epoch: Double, inferMs: Double) = { c, _ in (10 + 10 * Double(c), 2 + Double(c)) }) throws {
        let plan = Plan(try SpecLoader().load(specPath), commit: commit)
        let store = try ResultStore(path: storePath)
        let env = RunEnvironment(commit: commit, dirty: false, toolchain: "Swift test", host: "h", cores: 2)
        for run in plan.runs where seeds.contains(run.seed) {
            let c = run.cell.index, t = times(c, run.seed)
            try store.beginRun(RunRecord(run, of: plan, environment: env, threads: 2))
            try store.finishRun(runKey: run.runKey,
                                metrics: [MetricValue(split: "test", name: "mIoU", value: (40 + 10 * Double(c) + Double(run.seed)) / 100),
                                          MetricValue(split: "test", name: "oIoU", value: (50 + Double(c)) / 100)],
                                costs: [CostRecord(component: CostRecord.total, params: 1_000_000 * (c + 1), macs: 1_000_000_000,
                                                   trainSecondsPerEpoch: t.epoch, inferenceMsPerImage: t.inferMs)])
        }
    }
}
