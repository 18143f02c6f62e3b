import Declarations
import Experiment
import Foundation
import GRDB
import RunStore
import Runner

/// Why worker databases could not be merged. Every file is checked before the main store is opened, so
/// when one of these is thrown the main store has not been touched.
public enum MergeError: Error, Equatable, CustomStringConvertible {
    case noDatabases
    case missing(path: String)
    case notADatabase(path: String, reason: String)
    case corrupt(path: String, reason: String)
    /// An SQLite file without FIABench's tables.
    case notAStore(path: String)
    /// A worker path that is the main store itself.
    case isMainStore(path: String)

    public var description: String {
        let untouched = " Nothing was merged; the main store is unchanged."
        switch self {
        case .noDatabases:
            return "Name the worker databases to merge, e.g. `ablate merge Results/workers/smoke-*.sqlite`."
        case let .missing(path) where path.contains(where: { "*?[".contains($0) }):
            return "No file matches \(path) (the shell passed the pattern on as it is): have the array's tasks started?" + untouched
        case let .missing(path):
            return "No database at \(path) (did its array task start? its log is under the results folder's slurm/)." + untouched
        case let .notADatabase(path, reason):
            return "\(path) is not an SQLite database (\(reason))." + untouched
        case let .corrupt(path, reason):
            return "\(path) is damaged: \(reason). Rerun its array task (`ablate run-task … --db \(path)` after removing the file)." + untouched
        case let .notAStore(path):
            return "\(path) is an SQLite database, but not a FIABench results store (no runs table)." + untouched
        case let .isMainStore(path):
            return "\(path) is the main store itself; name the worker databases (or choose the main store with --store)." + untouched
        }
    }
}

/// What merging one worker database did to the main store.
public struct MergedFile: Equatable, Sendable {
    public var path: String
    /// Run keys finished in the worker that the main store lacked or had unfinished: copied.
    public var copied: [String] = []
    /// Finished runs the main store already held as the same run (same start and finish times).
    public var alreadyPresent: [String] = []
    /// Finished runs that replaced a different finished run with the same key (e.g. trained twice).
    public var replaced: [String] = []
    /// Runs not finished in the worker (running — still going, or killed — or failed) that the main store
    /// has not finished either: copied as they are, so `ablate run` or a resubmission trains them again.
    public var unfinished: [StoredRun] = []
    /// Runs unfinished in the worker whose key the main store has finished: the finished run is kept.
    public var keptFinished: [String] = []

    public init(path: String) { self.path = path }

    /// `Results/workers/smoke-0.sqlite: 1 run copied, 0 already present` and a line per unfinished run.
    public var summary: String {
        var parts = ["\(copied.count) run\(copied.count == 1 ? "" : "s") copied", "\(alreadyPresent.count) already present"]
        if !replaced.isEmpty { parts.append("\(replaced.count) replaced a different finished run with the same key") }
        if !keptFinished.isEmpty { parts.append("\(keptFinished.count) unfinished here but finished in the main store (kept)") }
        if !unfinished.isEmpty { parts.append("\(unfinished.count) not finished") }
        var text = "\(path): " + parts.joined(separator: ", ") + "\n"
        for run in unfinished {
            text += "  not finished: \(run.record.cellName), seed \(run.record.seed) (run key \(run.record.runKey)): \(run.status.rawValue)"
                + (run.error.map { " — \($0)" } ?? "") + "\n"
        }
        return text
    }
}

/// Folds worker databases (one per Slurm array task) into the main store with `ResultStore.merge(from:)`:
/// a finished run is never replaced by an unfinished one, and merging the same files again changes
/// nothing (finished runs are rewritten with themselves).
public enum WorkerMerge {
    /// Checks every file (exists, is an undamaged FIABench store, is not the main store), then merges them
    /// in order, one transaction per file.
    /// - Throws: `MergeError` (before anything is written), `StoreError`.
    public static func merge(_ paths: [String], into storePath: String) throws -> [MergedFile] {
        guard !paths.isEmpty else { throw MergeError.noDatabases }
        for path in paths { try check(path, mainStore: storePath) }
        let workers = try paths.map { path -> ResultStore in
            do { return try ResultStore.reading(path) } catch let error as StoreError {
                if case .newerSchema = error { throw error }
                throw MergeError.corrupt(path: path, reason: "\(error)")
            }
        }
        let main = try ResultStore(path: storePath)
        return try zip(paths, workers).map { path, worker in try merge(worker, path: path, into: main) }
    }

    static func merge(_ worker: ResultStore, path: String, into main: ResultStore) throws -> MergedFile {
        let incoming = try lifetimes(worker)
        let before = try lifetimes(main)
        try main.merge(from: worker)
        var file = MergedFile(path: path)
        for (key, run) in incoming.sorted(by: { $0.key < $1.key }) {
            let here = before[key]
            if run.status == .finished {
                if here?.status != .finished { file.copied.append(key) }
                else if here == run { file.alreadyPresent.append(key) }
                else { file.replaced.append(key) }
            } else if here?.status == .finished {
                file.keptFinished.append(key)
            } else if let stored = try worker.run(key) {
                file.unfinished.append(stored)
            }
        }
        return file
    }

    /// A run's status and the times that tell one training of it from another.
    struct Lifetime: Equatable { var status: RunStatus?; var startedAt: String; var finishedAt: String? }

    static func lifetimes(_ store: ResultStore) throws -> [String: Lifetime] {
        try store.pool.read { db in
            var out: [String: Lifetime] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_key, status, started_at, finished_at FROM runs") {
                out[row["run_key"]] = Lifetime(status: RunStatus(rawValue: row["status"]), startedAt: row["started_at"], finishedAt: row["finished_at"])
            }
            return out
        }
    }

    /// Checks a worker file without writing to it: present, an SQLite file that passes `PRAGMA quick_check`,
    /// holding FIABench's `runs` table, and not the main store.
    /// - Throws: `MergeError`.
    public static func check(_ path: String, mainStore: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw MergeError.missing(path: path)
        }
        if canonical(path) == canonical(mainStore) { throw MergeError.isMainStore(path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw MergeError.notADatabase(path: path, reason: "it cannot be read") }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        if header.isEmpty { throw MergeError.notADatabase(path: path, reason: "the file is empty") }
        guard header == Data("SQLite format 3\0".utf8) else {
            throw MergeError.notADatabase(path: path, reason: "its first bytes are not SQLite's header")
        }
        var config = Configuration()
        config.readonly = true
        let problems: [String], isStore: Bool
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            (problems, isStore) = try queue.read { db in
                (try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" },
                 try db.tableExists("runs") && db.tableExists("grdb_migrations"))
            }
            try queue.close()
        } catch {
            throw MergeError.corrupt(path: path, reason: (error as? DatabaseError)?.message ?? "\(error)")
        }
        guard problems.isEmpty else { throw MergeError.corrupt(path: path, reason: problems.prefix(3).joined(separator: "; ")) }
        guard isStore else { throw MergeError.notAStore(path: path) }
    }

    /// `path` absolute, with symbolic links resolved (as far as it exists).
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

extension ResultStore {
    /// The distinct spec files named by the stored runs, in order of first appearance.
    public func specFiles() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT spec_file FROM runs WHERE spec_file IS NOT NULL GROUP BY spec_file ORDER BY MIN(rowid)")
        }
    }
}
