import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// A rectangle of canvas pixels: `x ..< x + width`, `y ..< y + height`.
public struct PlotRect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}

/// Sizes shared by every chart, in pixels at the figures' resolution (text is `BitmapFont` at an integer scale).
public enum ChartStyle {
    /// Tick labels, legend, axis titles: 16-pixel text.
    public static let textScale = 2
    /// Figure titles: 24-pixel text.
    public static let titleScale = 3
    public static let lineThickness = 3
    public static let axisThickness = 2
    public static let tickLength = 6
    /// Space between a text and what it labels.
    public static let gap = 8
    /// Opacity of seed bands.
    public static let bandAlpha = 0.2
    /// Height of one line of text at `textScale`.
    public static var textHeight: Int { BitmapFont.size * textScale }
}

/// Something a `Figure` lays out in a cell of its grid.
public protocol ChartPanel: Sendable {
    /// Draws the panel (title, axes, data) inside `rect`.
    func draw<S: DrawingSurface>(on canvas: inout S, in rect: PlotRect)
    /// The least height the panel needs at `width` (e.g. for rotated category labels); a figure's row is at
    /// least this tall.
    func minimumHeight(width: Int) -> Int
}

extension ChartPanel {
    /// No minimum: the figure's row height.
    public func minimumHeight(width: Int) -> Int { 0 }
}

/// A panel's y axis and plotting area: the inner rectangle left after the panel title, the y tick labels and
/// title on the left and `bottomSpace` pixels below (x labels), with value ↔ pixel mapping on y.
struct YAxisFrame {
    let plot: PlotRect
    let ticks: NiceTicks

    /// Lays out `outer` for a panel titled `title` with y label `yLabel`, y ticks `ticks`, and `bottomSpace`
    /// pixels reserved under the plot.
    init(outer: PlotRect, title: String, yLabel: String, ticks: NiceTicks, bottomSpace: Int) {
        self.ticks = ticks
        let s = ChartStyle.self
        let labelWidth = ticks.values.map { BitmapFont.width(ticks.label($0), scale: s.textScale) }.max() ?? 0
        let left = s.gap + s.textHeight + 2 * s.gap + labelWidth + s.gap + s.tickLength
        let top = s.gap + s.textHeight + 2 * s.gap
        plot = PlotRect(x: outer.x + left, y: outer.y + top, width: Swift.max(outer.width - left - 4 * s.gap, 10),
                        height: Swift.max(outer.height - top - bottomSpace, 10))
    }

    /// Pixel row (centre coordinate) of value `v`.
    func py(_ v: Double) -> Double {
        let f = (v - ticks.lower) / (ticks.upper - ticks.lower)
        return Double(plot.maxY) - f * Double(plot.height)
    }

    /// Panel title above the plot, horizontal grid lines and y tick labels, and the y title turned upright.
    func drawBackground<S: DrawingSurface>(on canvas: inout S, outer: PlotRect, title: String, yLabel: String) {
        let s = ChartStyle.self
        canvas.text(title, x: plot.x + plot.width / 2, y: outer.y + s.gap, .ink, scale: s.textScale, align: .center)
        for v in ticks.values {
            let y = Int(py(v).rounded())
            canvas.fillRect(x: plot.x, y: y, width: plot.width, height: 1, .grid)
            canvas.fillRect(x: plot.x - s.tickLength, y: y - s.axisThickness / 2, width: s.tickLength, height: s.axisThickness, .ink)
            canvas.text(ticks.label(v), x: plot.x - s.tickLength - s.gap, y: y, .ink, scale: s.textScale, align: .trailing, valign: .center)
        }
        canvas.verticalText(yLabel, x: outer.x + s.gap + s.textHeight / 2, y: plot.y + plot.height / 2, .ink, scale: s.textScale)
    }

    /// The left and bottom axis lines (drawn last, over the data).
    func drawAxes<S: DrawingSurface>(on canvas: inout S) {
        let t = ChartStyle.axisThickness
        canvas.fillRect(x: plot.x - t, y: plot.y, width: t, height: plot.height + t, .ink)
        canvas.fillRect(x: plot.x - t, y: plot.maxY, width: plot.width + t, height: t, .ink)
    }
}
