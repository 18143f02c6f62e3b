import GRDB

/// A pretrained encoder a run started from: the content-addressed artifact (`Results/.cache/pretrained/`) and
/// what making it cost, as its metadata records — paid once, by whichever run made it, and shared by every run
/// that loads it.
public struct PretrainingRecord: Equatable, Sendable {
    /// The slot the artifact initialised: `backbone` or `text`.
    public var slot: String
    /// The artifact's file name (`backbone-<key>.safetensors`); its key covers recipe and component.
    public var artifact: String
    /// The canonical pretraining recipe (the artifact's `recipe` metadata).
    public var recipe: String
    /// Wall time of the pretraining and the threads it used.
    public var seconds: Double?
    public var threads: Int?
    /// The last pretraining epoch's loss and accuracy (pixel accuracy of the backbone's semantic segmentation,
    /// masked-word accuracy of the text encoder), as fractions.
    public var finalLoss: Double?
    public var finalAccuracy: Double?

    public init(slot: String, artifact: String, recipe: String, seconds: Double?, threads: Int?, finalLoss: Double?, finalAccuracy: Double?) {
        self.slot = slot; self.artifact = artifact; self.recipe = recipe; self.seconds = seconds; self.threads = threads
        self.finalLoss = finalLoss; self.finalAccuracy = finalAccuracy
    }
}

/// The `run_pretraining` table (migration `v8_run_pretraining`): `(run_key, slot)` → the artifact a run's
/// encoder was loaded from and its making's cost (`PretrainingRecord`), so reports give the pretraining cost
/// once, beside the fine-tuning cost of each run, from the store alone. Runs recorded before v8, and runs
/// from scratch, have no rows.
enum StorePretraining {
    static let migrationName = "v8_run_pretraining"

    static func migrate(_ db: Database) throws {
        try db.create(table: "run_pretraining") { t in
            t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
            t.column("slot", .text).notNull()
            t.column("artifact", .text).notNull()
            t.column("recipe", .text).notNull()
            t.column("seconds", .double)
            t.column("threads", .integer)
            t.column("final_loss", .double)
            t.column("final_accuracy", .double)
            t.primaryKey(["run_key", "slot"])
        }
    }
}

extension ResultStore {
    /// Records the pretrained artifacts a run starts from, replacing earlier records of the same slots.
    /// - Throws: `StoreError.unknownRun` when the run was never begun.
    public func recordPretraining(runKey: String, _ records: [PretrainingRecord]) throws {
        guard !records.isEmpty else { return }
        try pool.write { db in
            try Self.requireRun(runKey, db)
            for r in records {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO run_pretraining (run_key, slot, artifact, recipe, seconds, threads, final_loss, final_accuracy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [runKey, r.slot, r.artifact, r.recipe, r.seconds, r.threads, r.finalLoss, r.finalAccuracy])
            }
        }
    }

    /// The pretrained artifacts a run started from, by slot (empty for runs from scratch or recorded before v8).
    public func pretraining(runKey: String) throws -> [PretrainingRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_pretraining WHERE run_key = ? ORDER BY slot", arguments: [runKey]).map {
                PretrainingRecord(slot: $0["slot"], artifact: $0["artifact"], recipe: $0["recipe"], seconds: $0["seconds"],
                                  threads: $0["threads"], finalLoss: $0["final_loss"], finalAccuracy: $0["final_accuracy"])
            }
        }
    }
}
