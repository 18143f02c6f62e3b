import Foundation
import RunStore

/// `--record`: every table a benchmark prints is also kept here, and its numeric cells go into the store's
/// `benchmarks` table at the end, with the commit, so `ablate dashboard` can chart them across commits.
enum Recorder {
    /// The tables printed so far by this process, in order.
    nonisolated(unsafe) static var tables: [Report] = []

    /// One record per numeric cell of `tables` (the first cell of a row names it; text cells such as `—` are skipped).
    static func records(suite: String, tables: [Report], environment: RunEnvironment, configuration: String, at date: Date) -> [BenchmarkRecord] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = formatter.string(from: date)
        return tables.flatMap { table in
            table.rows.flatMap { cells -> [BenchmarkRecord] in
                guard let label = cells.first else { return [] }
                return zip(table.header.dropFirst(), cells.dropFirst()).compactMap { column, cell in
                    guard let value = number(cell) else { return nil }
                    return BenchmarkRecord(suite: suite, table: table.title, row: label, column: column, value: value,
                                           commit: environment.commit, dirty: environment.dirty, host: environment.host,
                                           configuration: configuration, recordedAt: stamp)
                }
            }
        }
    }

    /// The number a cell shows (`12.5`, `0.93×`, `41%`), nil for text.
    static func number(_ cell: String) -> Double? {
        var text = cell.trimmingCharacters(in: .whitespaces)
        for suffix in ["×", "x", "%"] where text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Writes the records of this process's tables into the store at `path`; returns how many.
    static func save(suite: String, storePath: String) throws -> Int {
        let records = records(suite: suite, tables: tables, environment: RunEnvironment.current(), configuration: Timing.configuration, at: Date())
        try ResultStore(path: storePath).recordBenchmarks(records)
        return records.count
    }
}

extension Report {
    /// Prints the table and keeps it for `--record`.
    func publish() {
        print(render())
        Recorder.tables.append(self)
    }
}
