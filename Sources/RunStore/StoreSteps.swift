import GRDB

/// One optimisation step of a run: the training loss of its batch and the learning rate it used.
public struct StepPoint: Equatable, Sendable {
    /// Global step, counted from 1 (the `curves` table's `step` of an epoch is its last step).
    public var step: Int
    public var epoch: Int
    public var loss: Double
    public var lr: Double

    public init(step: Int, epoch: Int, loss: Double, lr: Double) { self.step = step; self.epoch = epoch; self.loss = loss; self.lr = lr }
}

/// The `steps` table (migration `v6_steps`): `(run_key, step)` → `epoch`, `loss`, `lr`, every optimisation
/// step of every run, for the per-step loss and learning-rate figures. Stores written before v6 have no rows
/// (their figures fall back to per-epoch curves); opening one upgrades it (read-only handles upgrade a copy).
enum StoreSteps {
    static let migrationName = "v6_steps"

    static func migrate(_ db: Database) throws {
        try db.create(table: "steps", options: [.withoutRowID]) { t in
            t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
            t.column("step", .integer).notNull()
            t.column("epoch", .integer).notNull()
            t.column("loss", .double).notNull()
            t.column("lr", .double).notNull()
            t.primaryKey(["run_key", "step"])
        }
    }

    /// Writes `steps` of a run inside the caller's transaction (replacing rows of the same steps).
    static func write(_ steps: [StepPoint], runKey: String, _ db: Database) throws {
        guard !steps.isEmpty else { return }
        let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO steps (run_key, step, epoch, loss, lr) VALUES (?, ?, ?, ?, ?)")
        for s in steps { try statement.execute(arguments: [runKey, s.step, s.epoch, s.loss, s.lr]) }
    }
}

extension ResultStore {
    /// A run's steps in order (empty for runs recorded before v6).
    public func steps(runKey: String) throws -> [StepPoint] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT step, epoch, loss, lr FROM steps WHERE run_key = ? ORDER BY step", arguments: [runKey])
                .map { StepPoint(step: $0["step"], epoch: $0["epoch"], loss: $0["loss"], lr: $0["lr"]) }
        }
    }
}
