import Foundation
import Testing
@testable import Experiment
@testable import RunStore
import RRSISModels

/// A store that cannot be used — from a newer schema, corrupt, or in a folder that cannot be written —
/// stops the run before training, naming the file or folder, and is left byte-for-byte as it was.
@Suite struct HostileStoreTests {
    @Test func databaseFromANewerSchemaIsRefusedAndLeftAlone() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let store = try ResultStore(path: w.storePath)
        try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')") }
        try store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let error = try w.failure(of: w.runner(HostileWorkspace.validSpec))
        #expect(error as? StoreError == .newerSchema(path: w.storePath, unknownMigrations: ["v99_from_the_future"]))
        #expect("\(error)".contains("newer FIABench") && "\(error)".contains("--store"))
    }

    @Test func corruptDatabaseFileIsRefusedAndLeftAlone() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: w.storePath + suffix) }
        var random = FuzzRandom(state: 42)
        try Data((0..<8192).map { _ in UInt8(truncatingIfNeeded: random.next()) }).write(to: URL(fileURLWithPath: w.storePath))
        let error = try w.failure(of: w.runner(HostileWorkspace.validSpec))
        guard case let .cannotOpen(path, reason)? = error as? StoreError else { Issue.record("\(error)"); return }
        #expect(path == w.storePath)
        #expect(reason.contains("not a database"), "\(reason)")
    }

    @Test func truncatedDatabaseFileIsRefusedAndLeftAlone() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let store = try ResultStore(path: w.storePath)
        try store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: w.storePath))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: w.storePath + suffix) }
        try bytes.prefix(100).write(to: URL(fileURLWithPath: w.storePath))   // the header, then nothing
        let error = try w.failure(of: w.runner(HostileWorkspace.validSpec))
        guard case .cannotOpen(let path, _)? = error as? StoreError else { Issue.record("\(error)"); return }
        #expect(path == w.storePath)
    }

    /// A folder under a regular file cannot be created, even by root (a chmod-ed folder would not stop root).
    @Test func unwritableResultsFolderIsReportedBeforeTraining() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let blocker = try w.dir.write("blocker", "a file, not a folder")
        var runner = try w.runner(HostileWorkspace.validSpec)
        runner.resultsRoot = blocker + "/Results"
        let error = try w.failure(of: runner)
        let e = try #require(error as? FolderNotWritable, "\(error)")
        #expect(e.folder == blocker + "/Results/bad" && e.role == "the results tables")
        #expect("\(error)".contains("Nothing was trained") && "\(error)".contains("--results"))
        #expect(try ResultStore(path: w.storePath).runs(spec: "bad").isEmpty)
    }

    @Test func unwritableStoreFolderIsReportedBeforeTraining() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let blocker = try w.dir.write("blocker", "a file, not a folder")
        var runner = try w.runner(HostileWorkspace.validSpec)
        runner.storePath = blocker + "/fiabench.sqlite"
        let error = try w.failure(of: runner)
        let e = try #require(error as? FolderNotWritable, "\(error)")
        #expect(e.folder == blocker && e.role.contains("results database"))
        #expect("\(error)".contains("--store"))
    }

    @Test(.enabled(if: getuid() != 0, "root writes into read-only folders"))
    func readOnlyResultsFolderIsReportedBeforeTraining() throws {
        let w = try HostileWorkspace()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: w.resultsRoot + "/bad")
            w.remove()
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: w.resultsRoot + "/bad")
        let error = try w.failure(of: w.runner(HostileWorkspace.validSpec))
        let e = try #require(error as? FolderNotWritable, "\(error)")
        #expect(e.folder == w.resultsRoot + "/bad" && e.reason.contains("permission"))
    }

    /// A results folder on a nearly full file system (a real 2 MiB tmpfs) is refused before training.
    @Test(.enabled(if: TinyFileSystem.canMount, "needs root and mount(8) for a tmpfs"))
    func fullDiskIsReportedBeforeTraining() throws {
        let w = try HostileWorkspace()
        let disk = try TinyFileSystem(in: w.dir)
        defer { disk.unmount(); w.remove() }
        var runner = try w.runner(HostileWorkspace.validSpec)
        runner.resultsRoot = disk.path + "/Results"
        let error = try w.failure(of: runner)
        let e = try #require(error as? FolderNotWritable, "\(error)")
        #expect(e.folder == disk.path + "/Results/bad")
        #expect(e.reason.contains("free") && e.reason.contains("64.0 MiB"), "\(e.reason)")
    }

    /// A read-only mount stops even root (unlike permission bits).
    @Test(.enabled(if: TinyFileSystem.canMount, "needs root and mount(8) for a tmpfs"))
    func readOnlyFileSystemIsReportedBeforeTraining() throws {
        let w = try HostileWorkspace()
        let disk = try TinyFileSystem(in: w.dir, readOnly: true)
        defer { disk.unmount(); w.remove() }
        var runner = try w.runner(HostileWorkspace.validSpec)
        runner.storePath = disk.path + "/fiabench.sqlite"
        let error = try w.failure(of: runner)
        let e = try #require(error as? FolderNotWritable, "\(error)")
        #expect(e.folder == disk.path && e.reason.contains("read-only"), "\(e.reason)")
    }

    @Test func freeSpaceBelowTheRequirementIsAClearError() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let free = try #require(WritableFolder.freeBytes(dir.path))
        #expect(free > 0)
        try WritableFolder.require(dir.path, role: "the results tables", minimumFreeBytes: 1)
        #expect(throws: FolderNotWritable.self) {
            try WritableFolder.require(dir.path, role: "the results tables", minimumFreeBytes: free + (1 << 40))
        }
    }
}

/// A 2 MiB tmpfs mounted under a test folder (root only), optionally read-only.
struct TinyFileSystem {
    let path: String

    static let canMount: Bool = {
        guard getuid() == 0, let dir = try? TempDir() else { return false }
        defer { dir.remove() }
        guard let disk = try? TinyFileSystem(in: dir) else { return false }
        disk.unmount()
        return true
    }()

    init(in dir: TempDir, readOnly: Bool = false) throws {
        path = dir.path + "/tiny-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run(["mount", "-t", "tmpfs", "-o", "size=2m" + (readOnly ? ",ro" : ""), "tmpfs", path]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSLocalizedDescriptionKey: "mount failed"])
        }
    }

    func unmount() { _ = Self.run(["umount", path]) }

    private static func run(_ arguments: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
