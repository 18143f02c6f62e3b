import Foundation
import GRDB
import Testing
@testable import Harness
@testable import Declarations
@testable import Experiment
@testable import RunStore
@testable import Reporting
import RRSISModels

/// Commands that only read the store leave the database file exactly as it was (bytes and mtime), read a
/// store on a read-only mount, and refuse a store from a newer FIABench without touching it.
@Suite struct ReadOnlyStoreTests {
    /// Every read-only command, and error paths that fail after (or before) the store is opened.
    static let commands = ["plan", "report", "export-notebook", "compare", "history", "submit --dry-run",
                           "error: plan of a broken spec", "error: report of unfinished runs", "error: history of an unknown spec",
                           "error: compare with an unknown revision"]

    @Test(arguments: commands)
    func readOnlyCommandLeavesTheStoreFileUntouched(_ command: String) throws {
        let f = try ReadOnlyFixture()
        defer { f.dir.remove() }
        let before = try FileState(f.storePath)
        Thread.sleep(forTimeInterval: 0.02)   // an mtime written now would differ from the one taken above
        let outcome = Result { try f.execute(command) }
        #expect(try FileState(f.storePath) == before, "\(command) changed the store file")
        switch outcome {
        case .success(let text): #expect(!command.hasPrefix("error"), "\(command) should have failed: \(text)")
        case .failure(let error):
            #expect(command.hasPrefix("error"), "\(command) failed: \(error)")
            #expect(!(error is DatabaseError), "a raw SQLite error reached the user: \(error)")
        }
    }

    @Test(arguments: commands + ["run"])
    func newerSchemaStoreIsRefusedUntouched(_ command: String) throws {
        let f = try ReadOnlyFixture()
        defer { f.dir.remove() }
        try f.markNewerSchema()
        let before = try FileState(f.storePath)
        Thread.sleep(forTimeInterval: 0.02)
        var caught: (any Error)?
        do { _ = try f.execute(command) } catch { caught = error }
        #expect(try FileState(f.storePath) == before, "\(command) changed the store file")
        if command == "error: plan of a broken spec" {
            #expect(caught is SpecError, "\(String(describing: caught))")   // the spec is rejected before the store is opened
        } else {
            #expect(caught as? StoreError == .newerSchema(path: f.storePath, unknownMigrations: ["v99_from_the_future"]),
                    "\(command): \(String(describing: caught))")
        }
    }

    /// A store archived on a read-only mount (which stops root too) is read as usual.
    @Test(.enabled(if: TinyFileSystem.canMount, "needs root and mount(8) for a tmpfs"),
          arguments: ["plan", "report", "export-notebook", "compare", "history", "error: history of an unknown spec"])
    func storeOnAReadOnlyMountIsReadable(_ command: String) throws {
        var f = try ReadOnlyFixture()
        let disk = try TinyFileSystem(in: f.dir)
        defer { disk.unmount(); f.dir.remove() }
        let archived = disk.path + "/fiabench.sqlite"
        try FileManager.default.copyItem(atPath: f.storePath, toPath: archived)
        try disk.remountReadOnly()
        f.storePath = archived
        let before = try FileState(archived)
        let outcome = Result { try f.execute(command) }
        #expect(try FileState(archived) == before)
        switch outcome {
        case .success: #expect(!command.hasPrefix("error"))
        case .failure(let error):
            #expect(command.hasPrefix("error") && !(error is StoreError) && !(error is DatabaseError), "\(command) failed: \(error)")
        }
    }

    /// A store written before a migration this build has is read through an upgraded private copy; the
    /// original is not upgraded.
    @Test func olderSchemaStoreIsReadWithoutUpgradingIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/old.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v2_predictions")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO runs (run_key, spec_name, cell_name, cell_index, seed, status, started_at, config, config_hash, dataset_fingerprint)
                    VALUES ('k1', 'old', 'A', 0, 0, 'finished', '2026-01-01T00:00:00.000Z', '{}', 'c', 'fp')
                    """)
            }
        }
        let before = try FileState(path)
        var copy: String?
        do {
            let store = try ResultStore.reading(path)
            #expect(store.isReadOnly)
            #expect(try store.statuses(of: ["k1", "k2"]) == ["k1": .finished])
            #expect(try store.run("k1")?.record.cellName == "A")
            copy = store.pool.path
            #expect(copy != path)
        }
        #expect(try FileState(path) == before)
        let applied = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
            .read { try StoreSchema.migrator.appliedIdentifiers($0) }
        #expect(applied == ["v1_initial", "v2_predictions"])
        #expect(!FileManager.default.fileExists(atPath: try #require(copy)), "the upgraded copy was not removed")
    }

    @Test func writesThroughAReadOnlyHandleFailAndChangeNothing() throws {
        let f = try ReadOnlyFixture()
        defer { f.dir.remove() }
        let before = try FileState(f.storePath)
        let store = try ResultStore.reading(f.storePath)
        #expect(throws: (any Error).self) { try store.failRun(runKey: try #require(f.plan.runs.first).runKey, message: "no") }
        #expect(try FileState(f.storePath) == before)
    }

    @Test(arguments: [("a folder", "folder"), ("a named pipe (FIFO)", "fifo")])
    func storePathThatIsNotAFileIsNamed(found: String, kind: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/store.sqlite"
        if kind == "folder" { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
        else { #expect(mkfifo(path, 0o600) == 0) }
        #expect(throws: StoreError.notAFile(path: path, found: found)) { try ResultStore.reading(path) }
        #expect(throws: StoreError.notAFile(path: path, found: found)) { try ResultStore(path: path) }
        #expect("\(StoreError.notAFile(path: path, found: found))".contains("--store"))
    }
}

/// Bytes and modification time (nanoseconds) of a file, and of its WAL when there is one.
struct FileState: Equatable {
    let bytes: Data
    let mtime: [Int]
    let wal: Data?

    init(_ path: String) throws {
        bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        mtime = [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        wal = FileManager.default.contents(atPath: path + "-wal").flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A project with a spec and a closed store holding its finished runs: unrecorded (for `report`) and at
/// two commits (for `compare` and `history`).
struct ReadOnlyFixture {
    static let base = "aaaa111122223333444455556666777788889999"
    static let head = "bbbb111122223333444455556666777788889999"
    let dir: TempDir
    var storePath: String
    let specPath: String
    let plan: Plan

    init() throws {
        dir = try TempDir()
        storePath = dir.path + "/Results/fiabench.sqlite"
        specPath = try dir.write("Ablations/ro.json", HostileWorkspace.validSpec)
        let spec = try SpecLoader(workingDirectory: dir.path).load(specPath)
        plan = Plan(spec)
        let store = try ResultStore(path: storePath)
        for commit in [nil, Self.base, Self.head] {
            let plan = Plan(spec, commit: commit)
            for run in plan.runs {
                try store.beginRun(RunRecord(run, of: plan, commit: commit, dirty: false, toolchain: "t", host: "h", cores: 2, threads: 2))
                try store.finishRun(runKey: run.runKey, metrics: [MetricValue(split: "test", name: "mIoU", value: 0.5),
                                                                  MetricValue(split: "test", name: "oIoU", value: 0.4)], costs: [])
            }
        }
        try store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    func markNewerSchema() throws {
        let store = try ResultStore(path: storePath)
        try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')") }
        try store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Runs `command` against the store; returns its output.
    func execute(_ command: String) throws -> String {
        let results = dir.path + "/Results", noGit = CommitResolver(git: { _ in nil })
        switch command {
        case "plan": return try HarnessCommands.plan(spec: specPath, storePath: storePath)
        case "report": return try HarnessCommands.report(spec: specPath, storePath: storePath, resultsRoot: results, ansi: false)
        case "export-notebook":
            return try HarnessCommands.exportNotebook(spec: specPath, storePath: storePath, resultsRoot: results, outputFolder: dir.path + "/nb")
        case "compare": return try CompareCommands.compare(base: "aaaa", head: "bbbb", storePath: storePath, resolver: noGit).text
        case "history": return try CompareCommands.history(spec: specPath, storePath: storePath, resolver: noGit)
        case "submit --dry-run":
            var s = SlurmCommands.Submission(spec: specPath)
            s.storePath = storePath
            s.resultsRoot = results
            s.dryRun = true
            var text = ""
            _ = try SlurmCommands.submit(s) { text += $0 }
            return text
        case "run":
            var runner = AblationRunner(specPath: specPath)
            runner.storePath = storePath
            runner.resultsRoot = results
            runner.output = { _ in }
            return try runner.run()
        case "error: plan of a broken spec": return try HarnessCommands.plan(spec: specPath, overrides: ["train.epochs=0"], storePath: storePath)
        case "error: report of unfinished runs":
            return try HarnessCommands.report(spec: specPath, overrides: ["train.epochs=2"], storePath: storePath, resultsRoot: results, ansi: false)
        case "error: history of an unknown spec": return try CompareCommands.history(spec: "no-such-spec", storePath: storePath, resolver: noGit)
        case "error: compare with an unknown revision":
            return try CompareCommands.compare(base: "ffff", head: "bbbb", storePath: storePath, resolver: noGit).text
        default: preconditionFailure("unknown command \(command)")
        }
    }
}

extension TinyFileSystem {
    /// Makes the mount read-only (files copied in before stay readable).
    func remountReadOnly() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["mount", "-o", "remount,ro", path]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }
}
