import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// One line of a forest plot: a difference with its confidence interval, in the plot's units.
public struct ForestRow: Equatable, Sendable {
    /// Left-hand label (`FIAM: mIoU`).
    public var label: String
    public var delta: Double
    public var low: Double
    public var high: Double
    /// Drawn in `colour` when its interval excludes 0, in muted grey otherwise.
    public var colour: RGB

    public init(label: String, delta: Double, low: Double, high: Double, colour: RGB) {
        self.label = label; self.delta = delta; self.low = low; self.high = high; self.colour = colour
    }

    /// The interval excludes 0.
    public var isResolved: Bool { low > 0 || high < 0 }
}

/// A forest plot panel: one horizontal line per row (labels on the left), a dot at the difference, whiskers
/// with caps from the interval's low to high end, and a vertical zero line. The x axis covers every interval
/// and 0.
public struct ForestPlot: ChartPanel {
    public var title: String
    public var xLabel: String
    public var rows: [ForestRow]

    /// Vertical pixels per row.
    public static let rowPitch = 26

    public init(title: String, xLabel: String, rows: [ForestRow]) { self.title = title; self.xLabel = xLabel; self.rows = rows }

    var xTicks: NiceTicks {
        NiceTicks(low: Swift.min(0, rows.map(\.low).min() ?? 0), high: Swift.max(0, rows.map(\.high).max() ?? 0), count: 6)
    }

    /// The panel height that fits `rows` rows.
    public static func height(rows: Int) -> Int {
        let s = ChartStyle.self
        return 3 * s.gap + s.textHeight + rows * rowPitch + s.tickLength + 3 * s.gap + 2 * s.textHeight + s.gap
    }

    public func draw<S: DrawingSurface>(on canvas: inout S, in outer: PlotRect) {
        let s = ChartStyle.self
        let ticks = xTicks
        let labelWidth = rows.map { BitmapFont.width($0.label, scale: s.textScale) }.max() ?? 0
        let top = outer.y + 3 * s.gap + s.textHeight
        let left = outer.x + s.gap + labelWidth + 2 * s.gap
        let plot = PlotRect(x: left, y: top, width: Swift.max(outer.maxX - left - 4 * s.gap, 10), height: rows.count * Self.rowPitch)
        func px(_ v: Double) -> Double { Double(plot.x) + (v - ticks.lower) / (ticks.upper - ticks.lower) * Double(plot.width) }

        canvas.text(title, x: plot.x + plot.width / 2, y: outer.y + s.gap, .ink, scale: s.textScale, align: .center)
        for v in ticks.values {
            let x = Int(px(v).rounded())
            canvas.fillRect(x: x, y: plot.y, width: 1, height: plot.height, .grid)
            canvas.fillRect(x: x - s.axisThickness / 2, y: plot.maxY, width: s.axisThickness, height: s.tickLength, .ink)
            canvas.text(ticks.label(v), x: x, y: plot.maxY + s.tickLength + s.gap, .ink, scale: s.textScale, align: .center)
        }
        canvas.text(xLabel, x: plot.x + plot.width / 2, y: plot.maxY + s.tickLength + 2 * s.gap + s.textHeight, .ink,
                    scale: s.textScale, align: .center)
        let zero = px(0)
        canvas.line(from: (zero, Double(plot.y)), to: (zero, Double(plot.maxY)), .ink, thickness: s.axisThickness)
        for (i, row) in rows.enumerated() {
            let y = Double(plot.y) + (Double(i) + 0.5) * Double(Self.rowPitch)
            let colour = row.isResolved ? row.colour : .mutedInk
            canvas.text(row.label, x: plot.x - 2 * s.gap, y: Int(y.rounded()), .ink, scale: s.textScale, align: .trailing, valign: .center)
            let (lo, hi) = (px(row.low), px(row.high)), cap = 5.0
            canvas.line(from: (lo, y), to: (hi, y), colour, thickness: 2)
            canvas.line(from: (lo, y - cap), to: (lo, y + cap), colour, thickness: 2)
            canvas.line(from: (hi, y - cap), to: (hi, y + cap), colour, thickness: 2)
            canvas.fillRect(x: Int(px(row.delta).rounded()) - 4, y: Int(y.rounded()) - 4, width: 9, height: 9, colour)
        }
        canvas.fillRect(x: plot.x, y: plot.maxY, width: plot.width, height: s.axisThickness, .ink)
    }
}
