import Declarations
import Experiment
import Foundation
import GRDB
import Statistics

/// Problems opening or writing the store, as sentences naming the file.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database has migrations this build does not know: a newer FIABench wrote it.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The file could not be opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// A write named a run that was never begun.
    case unknownRun(runKey: String)
    /// The path names something other than a regular file (a folder, a FIFO, a device).
    case notAFile(path: String, found: String)

    public var description: String {
        switch self {
        case let .newerSchema(path, unknown):
            return "\(path) was written by a newer FIABench (schema migrations \(unknown.joined(separator: ", ")) are unknown to this build). "
                + "Update this checkout, or write to another database with --store."
        case let .cannotOpen(path, reason):
            return "Cannot open the results database \(path): \(reason)."
        case let .unknownRun(key):
            return "Run \(key) is not in the store; call beginRun before recording epochs or finishing it."
        case let .notAFile(path, found):
            return "The results database \(path) is \(found), not a database file. Point --store at a .sqlite file written by FIABench."
        }
    }
}

/// The results database: one SQLite file (WAL mode) through GRDB, written in one transaction per
/// begun run, finished epoch and finished run, so a kill loses at most the epoch in flight.
public final class ResultStore: Sendable {
    /// Default location, relative to the working directory.
    public static let defaultPath = "Results/fiabench.sqlite"

    /// The database file.
    public let path: String
    public let pool: DatabasePool
    /// Whether this handle was opened by `ResultStore.reading(_:)`: every write fails, and the file is never changed.
    public let isReadOnly: Bool
    /// An upgraded private copy that `pool` reads instead of `path` (an older-schema store opened read-only); removed on deinit.
    private let temporaryCopy: String?

    /// A handle on an opened pool (see `ResultStore.reading(_:)`).
    init(path: String, pool: DatabasePool, readOnly: Bool, temporaryCopy: String?) {
        self.path = path; self.pool = pool; self.isReadOnly = readOnly; self.temporaryCopy = temporaryCopy
    }

    deinit {
        guard let temporaryCopy else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporaryCopy + suffix) }
    }

    /// Opens for writing (creating the file and its folder if needed) and migrates the store. Several
    /// processes may open one file at once: switching a new file to WAL and migrating it are retried while
    /// another process holds the lock or has just applied the same migration (for up to `openTimeout`
    /// seconds). Commands that only read use `ResultStore.reading(_:)` instead.
    /// - Throws: `StoreError.newerSchema` for a database from a newer schema (checked through a read-only
    ///   connection first, so the file is left byte-for-byte untouched), `.notAFile` for a folder or device.
    public init(path: String = ResultStore.defaultPath) throws {
        self.path = path
        isReadOnly = false
        temporaryCopy = nil
        if FileManager.default.fileExists(atPath: path) {
            try Self.requireRegularFile(path)
            try Self.refuseNewerSchema(path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        let deadline = Date().addingTimeInterval(Self.openTimeout)
        while true {
            do {
                pool = try Self.openAndMigrate(path)
                return
            } catch let error as DatabaseError where Self.isContention(error) && Date() < deadline {
                Thread.sleep(forTimeInterval: Double.random(in: 0.02...0.1))
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "\(error)")
            }
        }
    }

    /// How long opening waits for other processes creating or migrating the same file.
    static let openTimeout: TimeInterval = 30

    private static func openAndMigrate(_ path: String) throws -> DatabasePool {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        let pool = try DatabasePool(path: path, configuration: config)
        let migrator = StoreSchema.migrator
        let (superseded, applied) = try pool.read { db in (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db)) }
        if superseded {
            let known = Set(try pool.read { try migrator.appliedMigrations($0) })
            throw StoreError.newerSchema(path: path, unknownMigrations: applied.subtracting(known).sorted())
        }
        try migrator.migrate(pool)
        return pool
    }

    /// Errors another process causes while creating or migrating the same file: a lock (SQLite does not
    /// call the busy handler when a new file switches to WAL), or a migration it applied between our check
    /// and our transaction ("table … already exists", "duplicate column name").
    private static func isContention(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return true
        case .SQLITE_ERROR:
            let message = error.message ?? ""
            return message.contains("already exists") || message.contains("duplicate column name")
        default: return false
        }
    }

    /// Starts (or restarts) a run: replaces any earlier row with this key — and its curves, metrics and
    /// costs — by a `running` row with `record`'s provenance, and writes the flattened config to `params`.
    /// The runner uses `claimRun`, which does the same unless another live process holds the run.
    public func beginRun(_ record: RunRecord) throws {
        try pool.write { db in try Self.insertRun(record, owner: nil, at: Date(), db) }
    }

    static func insertRun(_ record: RunRecord, owner: RunOwner?, at date: Date, _ db: Database) throws {
        let params = flatten(record.config) + [("seed", String(record.seed))]
        try db.execute(sql: "DELETE FROM runs WHERE run_key = ?", arguments: [record.runKey])
        try db.execute(sql: """
            INSERT INTO runs (run_key, spec_name, spec_file, spec_hash, cell_name, cell_index, seed, commit_sha, dirty,
              toolchain, host, cores, threads, status, started_at, config, config_hash, dataset_fingerprint, owner, heartbeat_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
            """, arguments: [record.runKey, record.specName, record.specFile, record.specHash, record.cellName, record.cellIndex,
                             record.seed, record.commit, record.dirty, record.toolchain, record.host, record.cores, record.threads,
                             Timestamp.string(record.startedAt), record.config, record.configHash, record.datasetFingerprint,
                             owner?.description, owner.map { _ in Timestamp.string(date) }])
        for (key, value) in params {
            try db.execute(sql: "INSERT INTO params (run_key, key, value) VALUES (?, ?, ?)", arguments: [record.runKey, key, value])
        }
    }

    /// Records one finished epoch in one transaction: its curve points (training losses and/or validation
    /// figures) and its optimisation `steps` (see `StoreSteps`), so a kill never keeps one without the other.
    public func recordEpoch(runKey: String, points: [CurvePoint], steps: [StepPoint] = []) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            try StoreSteps.write(steps, runKey: runKey, db)
            for p in points {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO curves (run_key, epoch, step, split, loss, lr, seconds, miou, oiou)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [runKey, p.epoch, p.step, p.split, p.loss, p.lr, p.seconds, p.mIoU, p.oIoU])
            }
        }
    }

    /// Finishes a run in one transaction: its metrics and costs (replacing any written before), its kept
    /// `predictions` (see `recordPredictions`) and status `finished`.
    public func finishRun(runKey: String, metrics: [MetricValue], costs: [CostRecord], predictions: [SamplePrediction] = [],
                          finishedAt: Date = Date()) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            try Self.writePredictions(predictions, runKey: runKey, db)
            try db.execute(sql: "DELETE FROM metrics WHERE run_key = ?", arguments: [runKey])
            try db.execute(sql: "DELETE FROM costs WHERE run_key = ?", arguments: [runKey])
            for m in metrics {
                try db.execute(sql: "INSERT INTO metrics (run_key, split, name, tag, value) VALUES (?, ?, ?, ?, ?)",
                               arguments: [runKey, m.split, m.name, m.tag, m.value])
            }
            for c in costs {
                try db.execute(sql: """
                    INSERT INTO costs (run_key, component, params, macs, flops, train_s_per_step, train_s_per_epoch,
                      infer_ms_per_image, peak_memory_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [runKey, c.component, c.params, c.macs, c.flops, c.trainSecondsPerStep, c.trainSecondsPerEpoch,
                                     c.inferenceMsPerImage, c.peakMemoryBytes])
            }
            try db.execute(sql: "UPDATE runs SET status = 'finished', finished_at = ?, error = NULL WHERE run_key = ?",
                           arguments: [Timestamp.string(finishedAt), runKey])
        }
    }

    /// Marks a run failed with a message (its partial curves stay for diagnosis).
    public func failRun(runKey: String, message: String, at date: Date = Date()) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            try db.execute(sql: "UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE run_key = ?",
                           arguments: [Timestamp.string(date), message, runKey])
        }
    }

    static func requireRun(_ runKey: String, _ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_key = ?", arguments: [runKey]) != nil else {
            throw StoreError.unknownRun(runKey: runKey)
        }
    }

    /// Canonical config JSON → (dotted key, canonical JSON value) pairs, objects flattened, arrays kept whole:
    /// `model.alignment.params.spatial` → `true`.
    static func flatten(_ config: String) -> [(String, String)] {
        guard let json = try? JSONParser.parse(config) else { return [] }
        return json.leaves().map { ($0.path, CanonicalJSON.render($0.value)) }
    }
}

/// Timestamps are stored as ISO 8601 text in UTC with milliseconds (`2026-11-29T05:30:00.123Z`): sortable,
/// and readable in the `sqlite3` shell and by pandas.
enum Timestamp {
    static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}
