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

    /// Group labels wrapped to a group's width: at the normal text scale if no word has to be cut, else at scale 1.
    func groupLabels(groupWidth: Int) -> (lines: [[String]], scale: Int) {
        let s = ChartStyle.textScale
        let fits = groups.allSatisfy { g in g.split(separator: " ").allSatisfy { BitmapFont.width(String($0), scale: s) <= groupWidth } }
        let scale = fits ? s : 1
        return (groups.map { BitmapFont.wrap($0, maxWidth: groupWidth, scale: scale) }, scale)
    }

    public func draw(on canvas: inout Canvas, in outer: PlotRect) {
        let s = ChartStyle.self
        let ticks = yTicks
        // The label layout depends on the plot width, which depends only on the y labels: lay out with a guess
        // of the bottom space, then again with the real one.
        var frame = YAxisFrame(outer: outer, title: title, yLabel: yLabel, ticks: ticks, bottomSpace: 0)
        let groupWidth = frame.plot.width / Swift.max(groups.count, 1)
        let (labels, labelScale) = groupLabels(groupWidth: groupWidth - s.gap)
        let lineHeight = BitmapFont.size * labelScale + 4
        let bottom = s.tickLength + s.gap + (labels.map(\.count).max() ?? 1) * lineHeight + s.gap
        frame = YAxisFrame(outer: outer, title: title, yLabel: yLabel, ticks: ticks, bottomSpace: bottom)
        let plot = frame.plot

        frame.drawBackground(on: &canvas, outer: outer, title: title, yLabel: yLabel)
        let slot = Double(plot.width) / Double(Swift.max(groups.count, 1))
        let barWidth = Swift.max(Int(slot * 0.8 / Double(Swift.max(series.count, 1))), 1)
        let zero = frame.py(0)
        for (g, lines) in labels.enumerated() {
            let centre = Int((Double(plot.x) + (Double(g) + 0.5) * slot).rounded())
            for (k, line) in lines.enumerated() {
                canvas.text(line, x: centre, y: plot.maxY + s.tickLength + s.gap + k * lineHeight, .ink, scale: labelScale, align: .center)
            }
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
}
