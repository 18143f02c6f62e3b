import Foundation
import Testing
@testable import Harness
@testable import Experiment
@testable import RunStore
import RRSISModels

/// `plan` and `report` as the CLI calls them, against a temporary spec, store and results folder.
struct HarnessCommandsTests {
    @Test func planMarksFinishedRunsAndReportWritesTheTables() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let specPath = try dir.write("Ablations/demo.json", Fixtures.alignmentSpec)
        let storePath = dir.path + "/Results/fiabench.sqlite"

        let before = try HarnessCommands.plan(spec: specPath, storePath: storePath)
        #expect(before.contains("0 of 9 runs already done; 9 to run"))
        #expect(!FileManager.default.fileExists(atPath: storePath))        // planning never creates a database
        #expect(throws: ReportError.noStore(path: storePath, spec: specPath)) {
            _ = try HarnessCommands.report(spec: specPath, storePath: storePath, resultsRoot: dir.path + "/Results", ansi: false)
        }

        let plan = Plan(try SpecLoader().load(specPath))
        let store = try ResultStore(path: storePath)
        #expect(throws: ReportError.noFinishedRuns(spec: specPath, planned: 9, store: storePath)) {
            _ = try HarnessCommands.report(spec: specPath, storePath: storePath, resultsRoot: dir.path + "/Results", ansi: false)
        }
        let env = RunEnvironment(commit: "abc", dirty: true, toolchain: "Swift test", host: "h", cores: 2)
        for run in plan.runs.prefix(2) {
            try store.beginRun(RunRecord(run, of: plan, environment: env, threads: 2))
            try store.finishRun(runKey: run.runKey, metrics: [MetricValue(split: "test", name: "mIoU", value: 0.5 + 0.1 * Double(run.seed))], costs: [])
        }
        let after = try HarnessCommands.plan(spec: specPath, storePath: storePath)
        #expect(after.contains("2 of 9 runs already done; 7 to run"))
        let report = try HarnessCommands.report(spec: specPath, storePath: storePath, resultsRoot: dir.path + "/Results", ansi: false)
        #expect(report.split(separator: "\n").contains { $0.hasPrefix("Coarse (baseline)") && $0.contains(" 2/3 ") })
        #expect(report.contains("55.00 ± 7.07"))    // seeds 0 and 1: 50 and 60 → sample std √50
        #expect(FileManager.default.fileExists(atPath: dir.path + "/Results/demo/table.md"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/Results/demo/table.csv"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/Results/demo/table.tex"))
    }

    @Test func listIncludesDatasetsTrainAndReportSections() {
        let text = HarnessCommands.list()
        #expect(text.contains("  synthetic — built-in synthetic RRSIS scenes"))
        #expect(text.contains("      checkpoint: one of: best-val, last; default \"best-val\""))
        #expect(text.contains("      path: a string; required"))
        #expect(text.contains("      spatial: true or false; default true"))
        #expect(text.contains("      position-blind — position phrases removed from every expression"))
    }
}
