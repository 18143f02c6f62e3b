import Foundation
import Testing
@testable import Experiment
@testable import RunStore
@testable import Runner
@testable import Cluster
import RRSISModels

/// `ablate run-task`: one run of the plan into its own database, and the generated batch script run by
/// bash as Slurm would run it (no Slurm needed).
@Suite(.serialized)
struct ArrayTaskTests {
    static let smoke = AblateProcess.repository + "/Ablations/smoke.json"

    @Test(arguments: [-1, 2, 7])
    func anIndexOutsideThePlanIsAnErrorNamingTheRange(index: Int) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let task = ArrayTask(specPath: Self.smoke, index: index, databasePath: dir.path + "/w.sqlite")
        #expect(throws: SlurmError.indexOutOfRange(index: index, runs: 2, spec: Self.smoke)) { try task.run() }
        #expect(SlurmError.indexOutOfRange(index: index, runs: 2, spec: Self.smoke).description
                    .hasPrefix("--index \(index) is out of range: \(Self.smoke) plans 2 runs (indexes 0–1;"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/w.sqlite"))   // nothing created
    }

    @Test func aTaskTrainsExactlyItsRunUnderTheLocalRunKeyAndARerunSkipsIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var task = ArrayTask(specPath: Self.smoke, index: 1, databasePath: dir.path + "/workers/smoke-1.sqlite")
        task.overrides = ["train.epochs=1"]
        task.commit = "0123abcd"
        task.resultsRoot = dir.path + "/Results"
        var log = ""
        task.output = { log += $0 }
        let spec = try SpecLoader().load(Self.smoke, overrides: ["train.epochs=1"])
        let expected = Plan(spec, commit: "0123abcd").runs[1]
        #expect(try task.run() == .trained(runKey: expected.runKey))
        #expect(log.hasPrefix("smoke index 1 (run 2 of 2): FIAM, seed 0, run key \(expected.runKey)"))
        #expect(log.contains("run 1/1: FIAM, seed 0\n") && log.contains("✓ FIAM, seed 0: test mIoU"))
        #expect(!log.contains("\u{1B}"))   // plain lines, for a log file

        let store = try ResultStore(path: dir.path + "/workers/smoke-1.sqlite")
        let runs = try store.runs(spec: "smoke")
        #expect(runs.map(\.record.runKey) == [expected.runKey] && runs[0].status == .finished)
        #expect(runs[0].record.cellName == "FIAM")

        log = ""
        #expect(try task.run() == .alreadyFinished(runKey: expected.runKey))
        #expect(log.hasSuffix("already finished in \(dir.path)/workers/smoke-1.sqlite: nothing to do\n"))
    }

    @Test func aRunLeftRunningByAKilledAttemptOnAnotherNodeIsTrainedAgain() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var task = ArrayTask(specPath: Self.smoke, index: 0, databasePath: dir.path + "/w.sqlite")
        task.overrides = ["train.epochs=1"]
        task.resultsRoot = dir.path + "/Results"
        task.output = { _ in }
        let (plan, run) = try task.plannedRun()
        let record = RunRecord(run, of: plan, environment: RunEnvironment(commit: nil, dirty: nil, toolchain: "t", host: "node17", cores: 4),
                               threads: 4)
        // node17's task died an hour ago, mid-run.
        #expect(try ResultStore(path: dir.path + "/w.sqlite").claimRun(record, owner: RunOwner(host: "node17", pid: 4242),
                                                                        now: Date().addingTimeInterval(-3600)) == .claimed)
        #expect(try task.run() == .trained(runKey: run.runKey))
    }

    @Test(.enabled(if: AblateProcess.executable != nil, "the ablate executable is built by `swift test`"))
    func theCommandLineRejectsAnIndexOutsideThePlan() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try AblateProcess.run(["run-task", Self.smoke, "--index", "2", "--db", dir.path + "/w.sqlite"], in: dir.path)
        #expect(status != 0)
        #expect(output.contains("Error: --index 2 is out of range: \(Self.smoke) plans 2 runs"))
    }

    /// The script `ablate submit --dry-run` prints, run by bash as a Slurm node would (the array variables
    /// set by hand), from a project folder with a space in its name; then `ablate merge` over its database.
    @Test(.enabled(if: AblateProcess.executable != nil, "the ablate executable is built by `swift test`"))
    func theGeneratedScriptRunsItsTaskUnderBash() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let project = dir.path + "/my project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let (status, script) = try AblateProcess.run(["submit", Self.smoke, "--slurm", "--dry-run", "--cpus", "1", "--set", "train.epochs=1",
                                                      "--results", "Res ults"], in: project)
        #expect(status == 0)
        #expect(script.hasPrefix("#!/bin/bash\n") && script.contains("#SBATCH --array=0-1\n"))
        #expect(script.contains("exec \(AblateProcess.executable!) run-task") || script.contains("exec '\(AblateProcess.executable!)' run-task"))
        let scriptPath = try dir.write("task.sbatch", script)

        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [scriptPath]
        bash.currentDirectoryURL = URL(fileURLWithPath: dir.path)   // the script changes to the project itself
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_ARRAY_TASK_ID"] = "1"
        environment["SLURM_CPUS_PER_TASK"] = "1"
        bash.environment = environment
        let log = dir.path + "/task.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        bash.standardOutput = handle
        bash.standardError = handle
        try bash.run()
        bash.waitUntilExit()
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(bash.terminationStatus == 0, "\(output)")
        #expect(output.contains("smoke index 1 (run 2 of 2): FIAM, seed 0") && output.contains("(1 thread)"))

        let worker = project + "/Res ults/workers/smoke-1.sqlite"
        let runs = try ResultStore(path: worker).runs(spec: "smoke")
        #expect(runs.count == 1 && runs[0].status == .finished && runs[0].record.threads == 1)
        let merged = try AblateProcess.run(["merge", "--store", "main.sqlite", "--spec", Self.smoke, "--set", "train.epochs=1",
                                            "--results", "Res ults", worker], in: project)
        #expect(merged.status == 0, "\(merged.output)")
        #expect(merged.output.contains("Res ults/workers/smoke-1.sqlite: 1 run copied, 0 already present"))
        #expect(merged.output.contains("FIAM") && merged.output.contains("1/1"))
    }
}
