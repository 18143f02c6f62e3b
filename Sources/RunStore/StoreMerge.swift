import Declarations
import Experiment
import GRDB
import Statistics

extension ResultStore {
    /// Folds the runs of another store file into this one (the Slurm path: each array task writes its own
    /// SQLite file on local disk, then one step merges them). In one transaction, every run of `other`
    /// that is finished — or that this store does not have finished — replaces this store's row with the
    /// same key, with its params, curves, steps, metrics, costs, predictions, per-sample results, kept files
    /// and pretraining records. A finished run here is never
    /// replaced by an unfinished one, and an unfinished run arrives without its owner's claim (its worker
    /// is gone), so the next `ablate run` on this store trains it at once.
    /// - Returns: the run keys copied.
    @discardableResult
    public func merge(from other: ResultStore) throws -> [String] {
        let tables = ["params", "curves", "steps", "metrics", "costs", "predictions", "sample_results", "run_files", "run_pretraining"]
        // Read everything first: the two files are separate connections (no ATTACH across pools).
        let incoming: [(run: Row, children: [String: [Row]])] = try other.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY run_key").map { run in
                let key: String = run["run_key"]
                var children: [String: [Row]] = [:]
                for table in tables {
                    // sample_results and steps are WITHOUT ROWID: their primary keys order them.
                    let order = table == "sample_results" ? "split, sample_id" : table == "steps" ? "step" : "rowid"
                    children[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE run_key = ? ORDER BY \(order)", arguments: [key])
                }
                return (run, children)
            }
        }
        return try pool.write { db in
            var copied: [String] = []
            for (run, children) in incoming {
                let key: String = run["run_key"]
                let status: String = run["status"]
                let existing = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE run_key = ?", arguments: [key])
                if existing == RunStatus.finished.rawValue && status != RunStatus.finished.rawValue { continue }
                try db.execute(sql: "DELETE FROM runs WHERE run_key = ?", arguments: [key])
                try Self.insert(run, into: "runs", db)
                for table in tables { for row in children[table] ?? [] { try Self.insert(row, into: table, db) } }
                // A worker's unfinished run has no live owner here: leave it free for whoever runs the spec next.
                try db.execute(sql: "UPDATE runs SET owner = NULL, heartbeat_at = NULL WHERE run_key = ? AND status != 'finished'",
                               arguments: [key])
                copied.append(key)
            }
            return copied
        }
    }

    private static func insert(_ row: Row, into table: String, _ db: Database) throws {
        let columns = Array(row.columnNames)
        let sql = "INSERT INTO \(table) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        try db.execute(sql: sql, arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
    }
}
