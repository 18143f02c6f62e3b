import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

extension ReportPlots {
    /// `deltas.png`: a forest plot of every variant's paired Δ vs the baseline, one line per variant × metric
    /// with its 95% bootstrap interval, in percentage points (variant colours as in `bars.png`; grey lines are
    /// not resolved). Nil when no row carries paired intervals.
    public static func deltas(_ table: ReportTable) -> Figure? {
        var rows: [ForestRow] = [], legend: [LegendEntry] = []
        for (i, row) in table.rows.enumerated() where !row.paired.isEmpty {
            legend.append(LegendEntry(row.name, Palette.colour(i), mark: .box))
            for metric in Metric.allCases {
                guard let d = row.paired[metric] else { continue }
                rows.append(ForestRow(label: "\(row.name): \(metric.name)", delta: d.delta, low: d.low, high: d.high, colour: Palette.colour(i)))
            }
        }
        guard !rows.isEmpty else { return nil }
        return Figure(title: "\(table.specName): difference from \(table.rows.first { $0.isBaseline }?.name ?? "the baseline")",
                      note: "Paired delta on the \(table.split) split, points; whiskers: 95% paired two-level bootstrap interval "
                          + "(\(PairedBootstrap.defaultResamples) resamples, seed \(PairedBootstrap.defaultSeed)). Grey: the interval includes 0 (not resolved).",
                      legend: legend,
                      rows: [FigureRow([ForestPlot(title: "variant - baseline", xLabel: "difference (points)", rows: rows)])],
                      rowHeight: ForestPlot.height(rows: rows.count))
    }
}
