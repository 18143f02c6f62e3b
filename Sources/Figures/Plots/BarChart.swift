import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// One bar: a value (e.g. the mean over seeds) and an optional error half-width (e.g. the seeds' sample std).
public struct BarValue: Equatable, Sendable {
    public var value: Double
    public var error: Double?

    public init(value: Double, error: Double? = nil) { self.value = value; self.error = error }
}

/// One series of a grouped bar chart: a bar in every group (nil where it has no value).
public struct BarSeries: Equatable, Sendable {
    public var name: String
    public var colour: RGB
    /// One per group of the chart.
    public var values: [BarValue?]

    public init(name: String, colour: RGB, values: [BarValue?]) { self.name = name; self.colour = colour; self.values = values }
}

/// A grouped bar chart panel: groups along x, one bar per series in each, ± error bars with caps, the value
/// printed over each bar when it fits. The y axis starts at 0 (below it only for negative values; error bars
/// are cut at 0 when every value is non-negative, as IoUs are).
public struct BarChart: ChartPanel {
    public var title: String
    public var yLabel: String
    /// Group names, left to right.
    public var groups: [String]
    public var series: [BarSeries]
    /// Decimals of the value labels.
    public var decimals: Int

    public init(title: String, yLabel: String, groups: [String], series: [BarSeries], decimals: Int = 1) {
        self.title = title; self.yLabel = yLabel; self.groups = groups; self.series = series; self.decimals = decimals
    }

    /// Whether a value is negative: only then does the axis go below 0.
    var hasNegative: Bool { series.contains { $0.values.contains { ($0?.value ?? 0) < 0 } } }

    var yTicks: NiceTicks {
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let tops = values.map { $0.value + Swift.max($0.error ?? 0, 0) }
        let bottoms = hasNegative ? values.map { $0.value - Swift.max($0.error ?? 0, 0) } : [0]
        // Room above the tallest bar for its value label.
        let top = (tops.max() ?? 1) * 1.08
        return NiceTicks(low: Swift.min(0, bottoms.min() ?? 0), high: Swift.max(top, 1e-9), count: 6)
    }

    /// Group labels as drawn under the axis: wrapped horizontally at the normal text scale when every word fits a
    /// group's width; otherwise turned upright (read bottom to top) at the same scale, each label wrapped into as
    /// many side-by-side lines as the group's width holds, so long category names stay readable, never shrunk or cut.
    struct GroupLabels {
        var lines: [[String]]
        var scale: Int
        var upright: Bool
        /// Pixels from one line to the next (across the group when upright).
        var lineHeight: Int { BitmapFont.size * scale + 4 }
        /// The labels' extent below the ticks: stacked lines, or the longest upright line.
        var extent: Int {
            upright ? lines.flatMap { $0 }.map { BitmapFont.width($0, scale: scale) }.max() ?? 0 : (lines.map(\.count).max() ?? 1) * lineHeight
        }
    }

    func groupLabels(groupWidth: Int) -> GroupLabels {
        let s = ChartStyle.textScale
        let fits = groups.allSatisfy { g in g.split(separator: " ").allSatisfy { BitmapFont.width(String($0), scale: s) <= groupWidth } }
        if fits { return GroupLabels(lines: groups.map { BitmapFont.wrap($0, maxWidth: groupWidth, scale: s) }, scale: s, upright: false) }
        let maxLines = Swift.max(groupWidth / (BitmapFont.size * s + 4), 1)
        let longestWord = groups.flatMap { $0.split(separator: " ") }.map { BitmapFont.width(String($0), scale: s) }.max() ?? 0
        var length = longestWord
        while true {
            let lines = groups.map { BitmapFont.wrap($0, maxWidth: length, scale: s) }
            if lines.allSatisfy({ $0.count <= maxLines }) { return GroupLabels(lines: lines, scale: s, upright: true) }
            length += BitmapFont.size * s
        }
    }

    /// Space under the plot: ticks, the labels and a gap.
    func bottomSpace(_ labels: GroupLabels) -> Int { ChartStyle.tickLength + ChartStyle.gap + labels.extent + ChartStyle.gap }

    /// With upright labels, room for them under a plot at least `minimumPlotHeight` tall.
    public func minimumHeight(width: Int) -> Int {
        let frame = YAxisFrame(outer: PlotRect(x: 0, y: 0, width: width, height: 0), title: title, yLabel: yLabel, ticks: yTicks, bottomSpace: 0)
        let labels = groupLabels(groupWidth: frame.plot.width / Swift.max(groups.count, 1) - ChartStyle.gap)
        guard labels.upright else { return 0 }
        return frame.plot.y + Self.minimumPlotHeight + bottomSpace(labels)
    }

    /// The least plot height when labels are upright, pixels.
    static let minimumPlotHeight = 280

    public func draw<S: DrawingSurface>(on canvas: inout S, in outer: PlotRect) {
        let s = ChartStyle.self
        let ticks = yTicks
        // The label layout depends on the plot width, which depends only on the y labels: lay out with a guess
        // of the bottom space, then again with the real one.
        var frame = YAxisFrame(outer: outer, title: title, yLabel: yLabel, ticks: ticks, bottomSpace: 0)
        let groupWidth = frame.plot.width / Swift.max(groups.count, 1)
        let labels = groupLabels(groupWidth: groupWidth - s.gap)
        frame = YAxisFrame(outer: outer, title: title, yLabel: yLabel, ticks: ticks, bottomSpace: bottomSpace(labels))
        let plot = frame.plot

        frame.drawBackground(on: &canvas, outer: outer, title: title, yLabel: yLabel)
        let slot = Double(plot.width) / Double(Swift.max(groups.count, 1))
        let barWidth = Swift.max(Int(slot * 0.8 / Double(Swift.max(series.count, 1))), 1)
        let zero = frame.py(0)
        for (g, lines) in labels.lines.enumerated() {
            let centre = Int((Double(plot.x) + (Double(g) + 0.5) * slot).rounded())
            drawLabel(lines, labels, centre: centre, top: plot.maxY + s.tickLength + s.gap, on: &canvas)
            let first = centre - barWidth * series.count / 2
            for (k, bar) in series.enumerated() {
                guard g < bar.values.count, let v = bar.values[g] else { continue }
                let left = first + k * barWidth, y = frame.py(v.value)
                let (top, height) = (Int(Swift.min(y, zero).rounded()), Int(Swift.abs(y - zero).rounded()))
                // A hairline gap between neighbouring bars keeps same-coloured edges apart.
                canvas.fillRect(x: left + 1, y: top, width: barWidth - 2, height: Swift.max(height, 1), bar.colour)
                var labelY = Swift.min(y, zero)
                if let e = v.error, e > 0 {
                    let (hi, lo) = (frame.py(v.value + e), frame.py(hasNegative ? v.value - e : Swift.max(v.value - e, 0)))
                    let mid = Double(left) + Double(barWidth) / 2, cap = Double(Swift.max(barWidth / 4, 3))
                    canvas.line(from: (mid, hi), to: (mid, lo), .ink, thickness: 2)
                    canvas.line(from: (mid - cap, hi), to: (mid + cap, hi), .ink, thickness: 2)
                    if hasNegative || v.value - e >= 0 { canvas.line(from: (mid - cap, lo), to: (mid + cap, lo), .ink, thickness: 2) }
                    labelY = Swift.min(labelY, hi)
                }
                let text = Format.fixed(v.value, decimals)
                if BitmapFont.width(text, scale: s.textScale) <= barWidth - 6 {
                    canvas.text(text, x: left + barWidth / 2, y: Int(labelY.rounded()) - 4, .ink, scale: s.textScale,
                                align: .center, valign: .trailing)
                }
            }
        }
        frame.drawAxes(on: &canvas)
    }

    /// One group's label: lines stacked under `top`, or upright lines side by side whose ends align at `top`.
    func drawLabel<S: DrawingSurface>(_ lines: [String], _ labels: GroupLabels, centre: Int, top: Int, on canvas: inout S) {
        for (k, line) in lines.enumerated() {
            if labels.upright {
                let x = centre - (lines.count - 1) * labels.lineHeight / 2 + k * labels.lineHeight
                canvas.verticalText(line, x: x, y: top, .ink, scale: labels.scale, align: .trailing)
            } else {
                canvas.text(line, x: centre, y: top + k * labels.lineHeight, .ink, scale: labels.scale, align: .center)
            }
        }
    }
}
