import Foundation
import Testing
@testable import Experiment
@testable import RunStore

/// The `ablate` executable as a script sees it: exit codes, "did you mean", `--version`, JSON and tables on
/// stdout with progress on stderr.
struct CLITests {
    /// Runs `ablate arguments` in `directory`; stdout and stderr apart.
    static func ablate(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = try #require(AblateProcess.executable, "the ablate executable was not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "true"
        process.environment = environment
        let out = directory + "/stdout-\(UUID().uuidString)", err = directory + "/stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
        return (process.terminationStatus, try String(contentsOfFile: out, encoding: .utf8), try String(contentsOfFile: err, encoding: .utf8))
    }

    @Test func aMisspeltSubcommandIsAnsweredNotRunAsASpec() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let history = try Self.ablate(["hsitory"], in: dir.path)
        #expect(history.status == 64 && history.stderr.contains("did you mean `history`?"), "\(history)")
        let report = try Self.ablate(["reprot", "x.json"], in: dir.path)
        #expect(report.status == 64 && report.stderr.contains("did you mean `report`? Try `ablate report x.json`"), "\(report)")
        // A path ending in .json still goes to `run` (here: a missing spec, a usage error).
        let missing = try Self.ablate(["reprot.json"], in: dir.path)
        #expect(missing.status == 64 && !missing.stderr.contains("did you mean `report`") && missing.stderr.contains("reprot.json"), "\(missing)")
    }

    @Test func versionNamesTheBuildCommit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let result = try Self.ablate(["--version"], in: dir.path)
        #expect(result.status == 0)
        if let head = RunEnvironment.run(["git", "-C", AblateProcess.repository, "rev-parse", "HEAD"]) {
            #expect(result.stdout.hasPrefix("ablate 0.9.0 (built from commit \(head)"), "\(result)")
            #expect(result.stdout.contains(" in \(AblateProcess.repository))"))
        }
    }

    @Test func usageErrorsExit64() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        try f.finish(seeds: [0])
        for arguments in [["history", "demo", "--metric", "mIOU"], ["history", "demo", "--split", "foo"],
                          ["compare", "--base", "HEAD~1", "--split", "foo"], ["report", f.specPath, "--commit", "nope"],
                          ["plan", f.specPath, "--commit", "HEAD", "--record-commit"]] {
            let result = try Self.ablate(arguments + ["--store", f.storePath], in: f.dir.path)
            #expect(result.status == 64, "\(arguments): \(result)")
        }
        let split = try Self.ablate(["history", "demo", "--split", "foo", "--store", f.storePath], in: f.dir.path)
        #expect(split.stderr.contains("Unknown split 'foo'; runs record metrics on val and test"))
        let commit = try Self.ablate(["report", f.specPath, "--commit", "nope", "--store", f.storePath], in: f.dir.path)
        #expect(commit.stderr.contains("--commit nope: 'nope' is neither a git revision here nor a prefix of a commit recorded in the store."))
    }

    @Test func tablesAndJSONGoToStdoutAndProgressToStderr() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        let sha = "abcdef1234567890abcdef1234567890abcdef12"
        try f.finish(commit: sha)
        // Every run is finished: `run` trains nothing, prints its progress line, then the report.
        let run = try Self.ablate(["run", f.specPath, "--store", f.storePath, "--results", f.resultsRoot, "--commit", "abcdef1"], in: f.dir.path)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("demo: 9 runs (3 cells × 3 seeds), 9 already finished"))
        #expect(!run.stdout.contains("already finished") && run.stdout.contains("41.00 ± 1.00") && run.stdout.contains("wrote "))
        for command in ["plan", "report"] {
            let result = try Self.ablate([command, f.specPath, "--store", f.storePath, "--results", f.resultsRoot, "--commit", "abcdef1", "--json"]
                                            .filter { command == "report" || !$0.hasPrefix("--results") && $0 != f.resultsRoot }, in: f.dir.path)
            #expect(result.status == 0, "\(command): \(result)")
            let doc = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(doc?["command"] as? String == command && doc?["commit"] as? String == sha)
        }
        let history = try Self.ablate(["history", "demo", "--store", f.storePath, "--json"], in: f.dir.path)
        let rows = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(history.status == 0 && rows?.map { $0["commit"] as? String } == [sha], "\(history)")
    }
}
