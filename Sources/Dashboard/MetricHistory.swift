import Declarations
import Experiment
import Figures
import Foundation
import Reporting
import RunStore
import Statistics

/// One metric of a spec across the commits its runs were recorded at, oldest first, with what `ablate compare`
/// decides between each commit and the one before it (same pairing, Welch test and minimum effect).
struct MetricHistory {
    var spec: String
    var metric: Metric
    /// Oldest first.
    var rows: [CommitHistory.Row]
    var cells: [String]
    /// `verdicts[i][cell]`: `compare --base rows[i-1] --head rows[i]` on this metric and cell (nothing for i = 0).
    var verdicts: [[String: Finding]]

    /// The verdicts of consecutive commits, one comparison per pair, shared by every metric of the spec.
    typealias Comparisons = [String: Comparison]

    static func build(store: ResultStore, spec: String, metric: Metric, comparisons: inout Comparisons,
                      subject: (String) -> String?) throws -> MetricHistory {
        let history = try CommitHistory.build(store: store, spec: spec, metric: metric.name, split: CompareOptions().split, subject: subject)
        let rows = Array(history.rows.reversed())
        var verdicts: [[String: Finding]] = [[:]]
        for (base, head) in zip(rows, rows.dropFirst()) {
            guard let b = base.commit, let h = head.commit else { verdicts.append([:]); continue }
            let id = b + ".." + h
            if comparisons[id] == nil { comparisons[id] = try RunComparer.compare(store: store, base: b, head: h, spec: spec) }
            let findings = comparisons[id]!.findings.filter { $0.kind == .quality && $0.measure == metric.name }
            verdicts.append(Dictionary(findings.map { ($0.cell, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        return MetricHistory(spec: spec, metric: metric, rows: rows, cells: history.cells, verdicts: verdicts)
    }

    /// Colour of regression marks (and of nothing else).
    static let regressionColour = RGB(200, 0, 0)

    /// Mean over seeds per commit (x = 1 for the oldest commit), min–max band, a ring on every regression.
    var chart: Figure? {
        var series: [LineSeries] = [], marks: [ChartMark] = []
        for (c, cell) in cells.enumerated() {
            var points: [LinePoint] = []
            for (i, row) in rows.enumerated() {
                guard let v = row.values[cell], !v.isEmpty else { continue }
                let point = LinePoint(x: Double(i + 1), y: SeedStats.mean(v), low: v.min(), high: v.max())
                points.append(point)
                if verdicts[i][cell]?.verdict == .regressed { marks.append(ChartMark(x: point.x, y: point.y, label: "regressed", colour: Self.regressionColour)) }
            }
            if !points.isEmpty { series.append(LineSeries(name: cell, colour: Palette.colour(c), points: points)) }
        }
        guard !series.isEmpty else { return nil }
        return Figure(title: "\(spec): \(metric.name) by commit", note: "Lines: mean over seeds; bands: min-max over seeds; "
                      + "rings: a regression found by ablate compare against the commit before.",
                      legend: series.map { LegendEntry($0.name, $0.colour) },
                      rows: [FigureRow([LineChart(title: "\(metric.name) (\(CompareOptions().split))", xLabel: "commit (oldest = 1)",
                                                  yLabel: "\(metric.name) (%)", series: series, marks: marks)])],
                      width: 900, rowHeight: 400)
    }

    /// One row per commit: x position, short SHA, subject, each cell's `mean ± std (n)`, its cell coloured by the verdict.
    var table: String {
        let rowsHTML = rows.enumerated().map { i, row -> [(html: String, cssClass: String?)] in
            [("\(i + 1)", nil), (row.commit.map { "<code>\($0.prefix(7))</code>" } ?? "—", nil), (HTML.escape(row.subject ?? "—"), nil)]
                + cells.map { cell -> (html: String, cssClass: String?) in
                    guard let v = row.values[cell], !v.isEmpty else { return ("—", nil) }
                    var text = Format.fixed(SeedStats.mean(v), 2)
                    if v.count > 1 { text += " ± " + Format.fixed(SeedStats.variance(v).squareRoot(), 2) }
                    text += " (\(v.count))"
                    guard let finding = verdicts[i][cell] else { return (HTML.escape(text), nil) }
                    let verdict = finding.verdict
                    let css = verdict == .regressed || verdict == .improved ? verdict.rawValue : nil
                    return (HTML.escape(text) + "<br><small>\(HTML.escape(verdict.rawValue + " " + finding.change))</small>", css)
                }
        }
        return HTML.table(header: ["x", "Commit", "Subject"] + cells, rows: rowsHTML)
    }
}
