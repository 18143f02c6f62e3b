import Declarations
import Experiment
import Foundation
import RRSISData
import Reporting
import RunStore
import Statistics

/// The figures of a spec's report, from the store alone (and, for the qualitative panel, the dataset's test
/// images): `curves.png` (training loss and val mIoU per epoch), `bars.png` (mIoU and oIoU per variant), `deltas.png` (paired Δ vs the baseline with intervals, when runs
/// stored per-sample results),
/// `breakdown.png` (the primary metric per sample tag), `qualitative.png` (predicted masks), and, from runs that
/// recorded their steps, `steps.png` and `lr.png` (`StepFigures`). Only the
/// plan's finished runs count, as in the tables; a figure without data is left out, never drawn empty.
public enum ReportPlots {
    /// Loads the dataset's test split (images, masks, expressions) for the qualitative panel: the figures
    /// know how to draw samples, not where a spec's data comes from.
    public typealias TestSamples = () throws -> [RRSISSample]

    /// One rendered figure.
    public struct Rendered: Sendable {
        /// File name in the results folder (`curves.png`).
        public var file: String
        /// What it shows, one line (notebook headings).
        public var caption: String
        public var png: Data
        /// The same figure as an SVG document, written beside the PNG (`curves.svg`).
        public var svg: String

        /// Rasterises `drawing` for the PNG and records it as SVG: every figure comes in both formats.
        public init(file: String, caption: String, drawing: some Drawing) throws {
            self.file = file; self.caption = caption
            png = try drawing.render().png(); svg = drawing.svg()
        }

        /// `file` with the extension `.svg`.
        public var svgFile: String { (file as NSString).deletingPathExtension + ".svg" }
    }

    /// Every figure with data, in the order curves, bars, breakdown, qualitative; and one sentence per figure
    /// that could have been drawn but was not (e.g. the dataset's images are unavailable).
    /// - Parameters: table and breakdown as `ReportBuilder` and `BreakdownBuilder` built them from `store`.
    public static func render(_ plan: Plan, store: ResultStore, table: ReportTable, breakdown: ReportTable?,
                              testSamples: TestSamples) throws -> (figures: [Rendered], notes: [String]) {
        var figures: [Rendered] = [], notes: [String] = []
        let name = plan.spec.name
        if let f = try curves(plan, store: store) {
            figures.append(try Rendered(file: "curves.png", caption: "Training loss and validation mIoU per epoch", drawing: f))
        }
        if let f = try stepLoss(plan, store: store) {
            figures.append(try Rendered(file: "steps.png", caption: "Training loss per step", drawing: f))
        }
        if let f = try learningRate(plan, store: store) {
            figures.append(try Rendered(file: "lr.png", caption: "Learning rate per step", drawing: f))
        }
        if let f = bars(table) {
            let split = table.split.prefix(1).uppercased() + table.split.dropFirst()
            figures.append(try Rendered(file: "bars.png", caption: "\(split) mIoU and oIoU per variant", drawing: f))
        }
        if let f = deltas(table) {
            figures.append(try Rendered(file: "deltas.png", caption: "Paired difference from the baseline with 95% intervals",
                                    drawing: f))
        }
        if let breakdown, let f = self.breakdown(breakdown) {
            figures.append(try Rendered(file: "breakdown.png", caption: "\(breakdown.primary.name) by sample tag", drawing: f))
        }
        do {
            if let panel = try qualitative(plan, store: store, testSamples: testSamples) {
                figures.append(try Rendered(file: "qualitative.png", caption: "Qualitative results on the first test samples",
                                        drawing: panel))
            }
        } catch {
            notes.append("\(name): qualitative.png not drawn: the test images could not be loaded (\(error))")
        }
        return (figures, notes)
    }

    /// Renders the figures and writes each as PNG and SVG into `resultsRoot/<spec>/`; returns the written paths and the notes.
    public static func write(_ plan: Plan, store: ResultStore, table: ReportTable, breakdown: ReportTable?,
                             resultsRoot: String, testSamples: TestSamples) throws -> (files: [String], notes: [String]) {
        let (figures, notes) = try render(plan, store: store, table: table, breakdown: breakdown, testSamples: testSamples)
        let dir = ResultsFolder.folder(for: plan.spec.name, resultsRoot: resultsRoot)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for figure in figures {
            try figure.png.write(to: URL(fileURLWithPath: dir + "/" + figure.file), options: .atomic)
            try Data(figure.svg.utf8).write(to: URL(fileURLWithPath: dir + "/" + figure.svgFile), options: .atomic)
        }
        return (figures.flatMap { [dir + "/" + $0.file, dir + "/" + $0.svgFile] }, notes)
    }

    /// Per variant, the mean over seeds of the training loss and of val mIoU (percent) at each epoch, with the
    /// seeds' min–max as a band; nil when no finished run stored curves.
    public static func curves(_ plan: Plan, store: ResultStore) throws -> Figure? {
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var loss: [LineSeries] = [], miou: [LineSeries] = [], legend: [LegendEntry] = []
        for cell in plan.spec.cells {
            var trainByEpoch: [Int: [Double]] = [:], valByEpoch: [Int: [Double]] = [:]
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                for p in try store.curves(runKey: run.runKey) {
                    if p.split == "train", let l = p.loss, l.isFinite { trainByEpoch[p.epoch, default: []].append(l) }
                    if p.split == "val", let m = p.mIoU, m.isFinite { valByEpoch[p.epoch, default: []].append(100 * m) }
                }
            }
            guard !trainByEpoch.isEmpty || !valByEpoch.isEmpty else { continue }
            let colour = Palette.colour(cell.index)
            legend.append(LegendEntry(cell.name, colour))
            loss.append(LineSeries(name: cell.name, colour: colour, points: band(trainByEpoch)))
            miou.append(LineSeries(name: cell.name, colour: colour, points: band(valByEpoch)))
        }
        guard !legend.isEmpty else { return nil }
        let seeds = plan.spec.seeds.count
        return Figure(
            title: "\(plan.spec.name): training curves",
            note: seeds > 1 ? "Lines: mean over \(seeds) seeds; bands: min-max over seeds." : "One seed per variant.",
            legend: legend,
            rows: [FigureRow([
                LineChart(title: "Training loss", xLabel: "epoch", yLabel: "loss (mean per step)", series: loss.filter { !$0.points.isEmpty }),
                LineChart(title: "Validation mIoU", xLabel: "epoch", yLabel: "mIoU (%)", series: miou.filter { !$0.points.isEmpty }),
            ])])
    }

    /// Points at each epoch: mean with the min–max band.
    static func band(_ byEpoch: [Int: [Double]]) -> [LinePoint] {
        byEpoch.keys.sorted().map { epoch in
            let v = byEpoch[epoch]!
            return LinePoint(x: Double(epoch), y: v.reduce(0, +) / Double(v.count), low: v.min(), high: v.max())
        }
    }

    /// mIoU and oIoU of each variant (mean ± sample std over seeds, percent); nil without finished runs.
    public static func bars(_ table: ReportTable) -> Figure? {
        let metrics = [Metric.mIoU.name, Metric.oIoU.name]
        let rows = table.rows.enumerated().filter { !$0.element.finishedSeeds.isEmpty }
        guard rows.contains(where: { r in metrics.contains { r.element.cells[$0]?.mean != nil } }) else { return nil }
        let series = rows.map { i, row in
            BarSeries(name: row.name, colour: Palette.colour(i), values: metrics.map { m in
                row.cells[m]?.mean.map { BarValue(value: $0, error: row.cells[m]?.std) }
            })
        }
        let seeds = rows.map(\.element.finishedSeeds.count)
        return Figure(title: "\(table.specName): \(table.split) results",
                      note: seeds.allSatisfy { $0 == 1 } ? "One seed per variant: no error bars."
                          : "Mean over seeds; error bars: +/- sample std.",
                      legend: series.map { LegendEntry($0.name, $0.colour, mark: .box) },
                      rows: [FigureRow([BarChart(title: "mean IoU and overall IoU", yLabel: "IoU (%)", groups: metrics, series: series)])],
                      width: 900)
    }

    /// One bar chart per tag family (`scale`, `positionNeeded`, `category`, `cue`) from a `BreakdownBuilder`
    /// table; families with more than three values get a row of their own, the others share rows in pairs.
    public static func breakdown(_ table: ReportTable) -> Figure? {
        var families: [(name: String, columns: [ReportColumn])] = []
        for column in table.columns {
            let family = String(column.id.split(separator: "=", maxSplits: 1).first ?? Substring(column.id))
            if let i = families.firstIndex(where: { $0.name == family }) { families[i].columns.append(column) } else {
                families.append((family, [column]))
            }
        }
        guard !families.isEmpty, table.rows.contains(where: { !$0.finishedSeeds.isEmpty }) else { return nil }
        let panels = families.map { family -> BarChart in
            // Column titles are `family=value (n=…)`: the group shows `value (n=…)`.
            let groups = family.columns.map { String($0.title.dropFirst(family.name.count + 1)) }
            let series = table.rows.enumerated().map { i, row in
                BarSeries(name: row.name, colour: Palette.colour(i), values: family.columns.map { c in
                    row.cells[c.id]?.mean.map { BarValue(value: $0, error: row.cells[c.id]?.std) }
                })
            }
            return BarChart(title: "by " + humanised(family.name), yLabel: "\(table.primary.name) (%)", groups: groups, series: series)
        }
        var rows: [FigureRow] = [], pending: [any ChartPanel] = []
        for panel in panels {
            if panel.groups.count > 3 { rows.append(FigureRow([panel])); continue }
            pending.append(panel)
            if pending.count == 2 { rows.append(FigureRow(pending)); pending = [] }
        }
        if !pending.isEmpty { rows.append(FigureRow(pending, cells: 2)) }
        return Figure(title: "\(table.specName): \(table.primary.name) by sample tag (\(table.split) split)",
                      note: "Bars: mean over seeds; error bars: +/- sample std; n = samples carrying the tag.",
                      legend: table.rows.enumerated().map { LegendEntry($0.element.name, Palette.colour($0.offset), mark: .box) },
                      rows: rows, width: 1400)
    }

    /// `positionNeeded` → `position needed`.
    static func humanised(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase { out += " " + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
