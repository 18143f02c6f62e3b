import Declarations
import Experiment
import Foundation
import GRDB

/// One figure from `ablate-bench --record`: a numeric cell of a benchmark table, with the commit it was measured at.
public struct BenchmarkRecord: Equatable, Sendable {
    /// The `ablate-bench` subcommand (`engine`, `model`, …).
    public var suite: String
    /// The table's title (`GEMM (GFLOPS, 2·M·N·K / time)`).
    public var table: String
    /// The row's first cell (`1024×1024×1024`).
    public var row: String
    /// The column's header (`engine matmul`).
    public var column: String
    public var value: Double
    /// Provenance, as on runs: `git rev-parse HEAD` (nil outside a repository), uncommitted changes, host, build.
    public var commit: String?
    public var dirty: Bool?
    public var host: String
    /// `debug` or `release`.
    public var configuration: String
    /// ISO 8601 UTC.
    public var recordedAt: String

    public init(suite: String, table: String, row: String, column: String, value: Double, commit: String?, dirty: Bool?,
                host: String, configuration: String, recordedAt: String) {
        self.suite = suite; self.table = table; self.row = row; self.column = column; self.value = value
        self.commit = commit; self.dirty = dirty; self.host = host; self.configuration = configuration; self.recordedAt = recordedAt
    }

    /// `table / row / column`: names one series across commits.
    public var seriesName: String { "\(table) / \(row) / \(column)" }
}

/// The `benchmarks` table (migration `v5_benchmarks`): every numeric cell `ablate-bench --record` printed,
/// `(id, suite, table_name, row_label, column_name, value, commit_sha, dirty, host, configuration, recorded_at)`.
/// Independent of `runs`: a store without benchmarks has an empty table, and an older store gains it on upgrade.
enum StoreBenchmarks {
    static let migrationName = "v5_benchmarks"

    static func migrate(_ db: Database) throws {
        try db.create(table: "benchmarks") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("suite", .text).notNull()
            t.column("table_name", .text).notNull()
            t.column("row_label", .text).notNull()
            t.column("column_name", .text).notNull()
            t.column("value", .double).notNull()
            t.column("commit_sha", .text)
            t.column("dirty", .boolean)
            t.column("host", .text).notNull()
            t.column("configuration", .text).notNull()
            t.column("recorded_at", .text).notNull().indexed()
        }
    }
}

extension ResultStore {
    /// Appends `records` in one transaction (a benchmark session's figures land together or not at all).
    public func recordBenchmarks(_ records: [BenchmarkRecord]) throws {
        try pool.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO benchmarks (suite, table_name, row_label, column_name, value, commit_sha, dirty, host, configuration, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in records {
                try statement.execute(arguments: [r.suite, r.table, r.row, r.column, r.value, r.commit, r.dirty, r.host, r.configuration, r.recordedAt])
            }
        }
    }

    /// Every recorded benchmark figure, oldest first (in recording order within a session).
    public func benchmarks() throws -> [BenchmarkRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT suite, table_name, row_label, column_name, value, commit_sha, dirty, host, configuration, recorded_at
                FROM benchmarks ORDER BY recorded_at, id
                """).map { r in
                BenchmarkRecord(suite: r["suite"], table: r["table_name"], row: r["row_label"], column: r["column_name"], value: r["value"],
                                commit: r["commit_sha"], dirty: r["dirty"], host: r["host"], configuration: r["configuration"],
                                recordedAt: r["recorded_at"])
            }
        }
    }
}
