import Declarations
import Experiment
import Foundation
import GRDB

/// A file a finished run kept on disk: its role, where it is and what it holds.
public struct RunFile: Equatable, Sendable {
    /// `selected` (the tested weights), `last` (the last epoch's weights), `config` or `metrics`.
    public var role: String
    /// The file's absolute path when the run finished.
    public var path: String
    /// SHA-256 hex of the file's bytes.
    public var sha256: String
    public var bytes: Int

    public init(role: String, path: String, sha256: String, bytes: Int) {
        self.role = role; self.path = path; self.sha256 = sha256; self.bytes = bytes
    }
}

/// The `run_files` table (migration `v7_run_files`): `(run_key, role)` → `path`, `sha256`, `bytes` of every
/// file a run kept under `Results/<spec>/runs/<run key>/` (see `RunFile`). Stores made before it gain an
/// empty table, and their runs simply have no kept files.
enum StoreRunFiles {
    static let migrationName = "v7_run_files"

    static func migrate(_ db: Database) throws {
        try db.create(table: "run_files") { t in
            t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
            t.column("role", .text).notNull()
            t.column("path", .text).notNull()
            t.column("sha256", .text).notNull()
            t.column("bytes", .integer).notNull()
            t.primaryKey(["run_key", "role"])
        }
    }
}

extension ResultStore {
    /// Records the files a run kept, replacing earlier records of the same roles.
    /// - Throws: `StoreError.unknownRun` when the run was never begun.
    public func recordFiles(runKey: String, _ files: [RunFile]) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            for f in files {
                try db.execute(sql: "INSERT OR REPLACE INTO run_files (run_key, role, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)",
                               arguments: [runKey, f.role, f.path, f.sha256, f.bytes])
            }
        }
    }

    /// The files a run kept, by role (empty for runs that kept none, or finished before `v7_run_files`).
    public func files(runKey: String) throws -> [RunFile] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT role, path, sha256, bytes FROM run_files WHERE run_key = ? ORDER BY role", arguments: [runKey])
                .map { RunFile(role: $0["role"], path: $0["path"], sha256: $0["sha256"], bytes: $0["bytes"]) }
        }
    }
}
