import Declarations
import Experiment
import GRDB
import Statistics

/// The `sample_results` table (migration `v4_sample_results`): one row per evaluated sample per run and
/// split, so every paired statistic can be recomputed from the database alone (and in pandas):
/// `(run_key, split, sample_id)` → `intersection`, `union_px` (integers, pixels at the evaluation
/// resolution; `union` is an SQL keyword), `iou` (`intersection / union_px`, 0 when the union is empty)
/// and `tags` (the sample's breakdown tags, `name=value` joined by `;`, sorted, e.g.
/// `category=ship;positionNeeded=true;scale=small`). A WITHOUT ROWID table keyed by its primary key, so a
/// row costs its key and four values (no separate index).
enum StoreSamples {
    static let migrationName = "v4_sample_results"

    static func migrate(_ db: Database) throws {
        try db.create(table: "sample_results", options: [.withoutRowID]) { t in
            t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
            t.column("split", .text).notNull()
            t.column("sample_id", .text).notNull()
            t.column("intersection", .integer).notNull()
            t.column("union_px", .integer).notNull()
            t.column("iou", .double).notNull()
            t.column("tags", .text).notNull()
            t.primaryKey(["run_key", "split", "sample_id"])
        }
    }

    /// Inside a write transaction: replaces the run's rows for the splits present in `samples`.
    static func write(_ samples: [SampleResult], runKey: String, _ db: Database) throws {
        for split in Set(samples.map(\.split)) {
            try db.execute(sql: "DELETE FROM sample_results WHERE run_key = ? AND split = ?", arguments: [runKey, split])
        }
        let statement = try db.makeStatement(sql: """
            INSERT INTO sample_results (run_key, split, sample_id, intersection, union_px, iou, tags) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for s in samples {
            try statement.execute(arguments: [runKey, s.split, s.sampleID, s.intersection, s.union, s.iou, s.tags.joined(separator: ";")])
        }
    }
}

extension ResultStore {
    /// Records a run's per-sample results in one transaction, replacing earlier rows of the same splits.
    /// The runner calls it just before `finishRun`; a run that dies in between is still `running`, and its
    /// restart (`beginRun`/`claimRun`) deletes these rows with the run's other children.
    /// - Throws: `StoreError.unknownRun` when the run was never begun.
    public func recordSamples(runKey: String, _ samples: [SampleResult]) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            try StoreSamples.write(samples, runKey: runKey, db)
        }
    }

    /// A run's per-sample results on `split`, ordered by sample id (empty for runs stored before v4).
    public func samples(runKey: String, split: String) throws -> [SampleResult] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sample_id, intersection, union_px, tags FROM sample_results WHERE run_key = ? AND split = ? ORDER BY sample_id
                """, arguments: [runKey, split])
                .compactMap { r -> SampleResult? in
                    let (i, u): (Int, Int) = (r["intersection"], r["union_px"])
                    // A hand-edited row with I outside 0…U is not a measurement: leave it out.
                    guard i >= 0, i <= u else { return nil }
                    let tags: String = r["tags"]
                    return SampleResult(split: split, sampleID: r["sample_id"], intersection: i, union: u,
                                        tags: tags.isEmpty ? [] : tags.split(separator: ";").map(String.init))
                }
        }
    }
}
