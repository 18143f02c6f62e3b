import Foundation
import Testing
@testable import Harness
@testable import RunStore
@testable import Runner
import RRSISModels

/// An ablation stopped between steps (as SIGINT/SIGTERM stop it) keeps its finished runs, marks the run in
/// flight for retraining, and a rerun of the same command reproduces an uninterrupted ablation bit for bit.
@Suite(.serialized)
struct InterruptTests {
    func runner(_ dir: TempDir, log: EndToEndTests.Log) -> AblationRunner {
        var runner = AblationRunner(specPath: EndToEndTests.repository + "/Ablations/smoke.json")
        runner.storePath = dir.path + "/fiabench.sqlite"
        runner.resultsRoot = dir.path + "/Results"
        runner.output = { log.text += $0 }
        return runner
    }

    /// Every metric of every run of the smoke spec, keyed by run key / split / name / tag.
    func metrics(_ dir: TempDir) throws -> [String: Double] {
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        var out: [String: Double] = [:]
        for run in try store.runs(spec: "smoke") {
            for m in try store.metrics(runKey: run.record.runKey) {
                out["\(run.record.runKey)/\(m.split)/\(m.name)/\(m.tag ?? "")"] = m.value
            }
        }
        return out
    }

    @Test func interruptedAblationResumesToTheSameNumbers() throws {
        let reference = try TempDir(), cut = try TempDir()
        defer { reference.remove(); cut.remove() }
        try runner(reference, log: .init()).run()

        // Stop once the first run has finished: the second begins and stops before its first step.
        var interrupted = runner(cut, log: .init())
        interrupted.interruptAfterRuns = 1
        let log = EndToEndTests.Log()
        interrupted.output = { log.text += $0 }
        #expect(throws: RunInterrupted(finishedRuns: 1, totalRuns: 2)) { try interrupted.run() }
        #expect(log.text.contains("interrupted — rerun the same command to resume (1 of 2 runs finished)"))
        let store = try ResultStore(path: cut.path + "/fiabench.sqlite")
        let statuses = try store.runs(spec: "smoke").map(\.status)
        #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.failed, .finished])
        #expect(!FileManager.default.fileExists(atPath: cut.path + "/Results/smoke/table.md"))   // no report from a cut run

        let resumed = EndToEndTests.Log()
        try runner(cut, log: resumed).run()
        #expect(resumed.text.contains("1 already finished") && resumed.text.contains("1 to train"))
        #expect(try store.runs(spec: "smoke").allSatisfy { $0.status == .finished })
        let expected = try metrics(reference), got = try metrics(cut)
        #expect(expected.count > 20)
        #expect(got == expected)   // Double equality: bit for bit
    }

    @Test func aRaisedFlagStopsBeforeTheNextStepAndTheRunIsRetrained() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let r = runner(dir, log: .init())
        r.interruption.raise()        // as if SIGINT arrived before the first step
        #expect(throws: RunInterrupted(finishedRuns: 0, totalRuns: 2)) { try r.run() }
        let runs = try ResultStore(path: dir.path + "/fiabench.sqlite").runs(spec: "smoke")
        #expect(runs.count == 1 && runs[0].status == .failed)
        #expect(runs.first?.error == "interrupted at epoch 1 after 0 steps; a rerun trains this run again from its start")
        #expect(try ResultStore(path: dir.path + "/fiabench.sqlite").finishedRunKeys().isEmpty)
    }

    @Test func interruptionMessageSaysHowToResume() {
        #expect("\(RunInterrupted(finishedRuns: 3, totalRuns: 8))" == "interrupted — rerun the same command to resume (3 of 8 runs finished)")
    }
}
