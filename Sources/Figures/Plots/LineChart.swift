import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// A point of a line series: the value at `x` (e.g. the mean over seeds) and an optional band around it
/// (e.g. the seeds' minimum and maximum).
public struct LinePoint: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var low: Double?
    public var high: Double?

    public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) { self.x = x; self.y = y; self.low = low; self.high = high }
}

/// One curve of a line chart.
public struct LineSeries: Equatable, Sendable {
    public var name: String
    public var colour: RGB
    /// In increasing `x`.
    public var points: [LinePoint]

    public init(name: String, colour: RGB, points: [LinePoint]) {
        self.name = name; self.colour = colour; self.points = points.sorted { $0.x < $1.x }
    }
}

/// A point called out on a line chart (e.g. a regression between two commits): a ring around `(x, y)` and a
/// short label above it.
public struct ChartMark: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var label: String
    public var colour: RGB

    public init(x: Double, y: Double, label: String, colour: RGB) { self.x = x; self.y = y; self.label = label; self.colour = colour }
}

/// A line chart panel: each series as a line with point markers over a translucent band, nice ticks on both axes,
/// and optional marks called out over the lines.
public struct LineChart: ChartPanel {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [LineSeries]
    /// Integer x ticks (epochs).
    public var integerX: Bool
    /// Points to call out, drawn last.
    public var marks: [ChartMark]

    public init(title: String, xLabel: String, yLabel: String, series: [LineSeries], integerX: Bool = true, marks: [ChartMark] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.integerX = integerX; self.marks = marks
    }

    /// Ticks spanning every point and band of every series.
    var yTicks: NiceTicks {
        let values = series.flatMap { $0.points.flatMap { [$0.y, $0.low ?? $0.y, $0.high ?? $0.y] } }
        return NiceTicks(low: values.min() ?? 0, high: values.max() ?? 1, count: 6)
    }

    var xTicks: NiceTicks {
        let xs = series.flatMap { $0.points.map(\.x) }
        return NiceTicks(low: xs.min() ?? 0, high: xs.max() ?? 1, count: 6, integer: integerX)
    }

    public func draw<S: DrawingSurface>(on canvas: inout S, in outer: PlotRect) {
        let s = ChartStyle.self
        let bottom = s.tickLength + s.gap + s.textHeight + 2 * s.gap + s.textHeight + s.gap
        let frame = YAxisFrame(outer: outer, title: title, yLabel: yLabel, ticks: yTicks, bottomSpace: bottom)
        let plot = frame.plot, xt = xTicks
        func px(_ x: Double) -> Double { Double(plot.x) + (x - xt.lower) / (xt.upper - xt.lower) * Double(plot.width) }

        frame.drawBackground(on: &canvas, outer: outer, title: title, yLabel: yLabel)
        for v in xt.values {
            let x = Int(px(v).rounded())
            canvas.fillRect(x: x - s.axisThickness / 2, y: plot.maxY, width: s.axisThickness, height: s.tickLength + s.axisThickness, .ink)
            canvas.text(xt.label(v), x: x, y: plot.maxY + s.tickLength + s.gap, .ink, scale: s.textScale, align: .center)
        }
        canvas.text(xLabel, x: plot.x + plot.width / 2, y: outer.maxY - s.gap, .ink, scale: s.textScale, align: .center, valign: .trailing)

        // Bands first, so every line stays on top of every band.
        for line in series {
            let banded = line.points.filter { $0.low != nil && $0.high != nil }
            guard banded.count >= 2 else { continue }
            let upper = banded.map { (x: px($0.x), y: frame.py($0.high!)) }
            let lower = banded.reversed().map { (x: px($0.x), y: frame.py($0.low!)) }
            canvas.fillPolygon(upper + lower, line.colour, alpha: s.bandAlpha)
        }
        for line in series {
            let points = line.points.map { (x: px($0.x), y: frame.py($0.y)) }
            canvas.polyline(points, line.colour, thickness: s.lineThickness)
            for p in points {
                let m = 2 * s.lineThickness + 1
                canvas.fillRect(x: Int(p.x.rounded(.down)) - m / 2, y: Int(p.y.rounded(.down)) - m / 2, width: m, height: m, line.colour)
            }
        }
        for mark in marks {
            let (x, y) = (Int(px(mark.x).rounded(.down)), Int(frame.py(mark.y).rounded(.down)))
            canvas.strokeRect(x: x - 8, y: y - 8, width: 17, height: 17, mark.colour, thickness: 2)
            canvas.text(mark.label, x: x, y: y - 12, mark.colour, scale: s.textScale, align: .center, valign: .trailing)
        }
        frame.drawAxes(on: &canvas)
    }
}
