import Figures
import Foundation
import RunStore

/// `ablate-bench --record` figures across recording sessions (one `--record` invocation = one session, x = 1
/// for the oldest): one chart per benchmark table and column, a line per row.
struct BenchmarkHistory {
    struct Session: Equatable {
        var recordedAt: String
        var commit: String?
        var dirty: Bool?
        var host: String
        var configuration: String
    }

    var sessions: [Session]
    /// Every recorded figure, oldest first.
    var records: [BenchmarkRecord]

    init(_ records: [BenchmarkRecord]) {
        self.records = records
        var sessions: [Session] = []
        for r in records {
            let s = Session(recordedAt: r.recordedAt, commit: r.commit, dirty: r.dirty, host: r.host, configuration: r.configuration)
            if !sessions.contains(s) { sessions.append(s) }
        }
        self.sessions = sessions.sorted { $0.recordedAt < $1.recordedAt }
    }

    /// `(suite, table, column)` in first-seen order.
    var charts: [(suite: String, table: String, column: String)] {
        var out: [(String, String, String)] = []
        for r in records where !out.contains(where: { $0 == (r.suite, r.table, r.column) }) { out.append((r.suite, r.table, r.column)) }
        return out
    }

    /// The chart of one table column: a line per row label over the sessions that measured it.
    func figure(suite: String, table: String, column: String) -> Figure {
        let chosen = records.filter { $0.suite == suite && $0.table == table && $0.column == column }
        var labels: [String] = []
        for r in chosen where !labels.contains(r.row) { labels.append(r.row) }
        let series = labels.enumerated().map { k, label in
            LineSeries(name: label, colour: Palette.colour(k), points: chosen.filter { $0.row == label }.compactMap { r in
                sessions.firstIndex { $0.recordedAt == r.recordedAt && $0.commit == r.commit && $0.host == r.host }
                    .map { LinePoint(x: Double($0 + 1), y: r.value) }
            })
        }
        return Figure(title: table, note: "ablate-bench \(suite): \(column)", legend: series.map { LegendEntry($0.name, $0.colour) },
                      rows: [FigureRow([LineChart(title: column, xLabel: "recording (oldest = 1)", yLabel: column, series: series)])],
                      width: 900, rowHeight: 380)
    }

    /// The sessions as a table: x, commit, dirty, host, build, time.
    var sessionTable: String {
        let rows = sessions.enumerated().map { i, s -> [(html: String, cssClass: String?)] in
            [("\(i + 1)", nil), (s.commit.map { "<code>\($0.prefix(7))</code>" } ?? "—", nil), (s.dirty.map { $0 ? "yes" : "no" } ?? "—", nil),
             (HTML.escape(s.host), nil), (HTML.escape(s.configuration), nil), (HTML.escape(s.recordedAt), nil)]
        }
        return HTML.table(header: ["x", "Commit", "Uncommitted changes", "Host", "Build", "Recorded (UTC)"], rows: rows)
    }
}
