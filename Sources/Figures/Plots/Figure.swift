import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// A legend entry: a series name with its colour, drawn as a line (line charts) or a filled box (bars).
public struct LegendEntry: Equatable, Sendable {
    public enum Mark: Sendable { case line, box }
    public var name: String
    public var colour: RGB
    public var mark: Mark

    public init(_ name: String, _ colour: RGB, mark: Mark = .line) { self.name = name; self.colour = colour; self.mark = mark }
}

/// A row of a figure's grid: its width split into `cells` equal cells, the panels in the middle ones.
public struct FigureRow: Sendable {
    public var panels: [any ChartPanel]
    /// At least `panels.count`; more leaves a lone panel at a pair's width rather than stretched.
    public var cells: Int

    public init(_ panels: [any ChartPanel], cells: Int? = nil) {
        self.panels = panels; self.cells = Swift.max(cells ?? panels.count, panels.count, 1)
    }
}

/// A figure: a title, a note under it, a legend shared by its panels, then rows of panels, on a white canvas
/// `width` pixels wide.
public struct Figure: Sendable {
    public var title: String
    public var note: String?
    public var legend: [LegendEntry]
    public var rows: [FigureRow]
    public var width: Int
    public var rowHeight: Int

    public init(title: String, note: String? = nil, legend: [LegendEntry], rows: [FigureRow], width: Int = 1280, rowHeight: Int = 460) {
        self.title = title; self.note = note; self.legend = legend; self.rows = rows; self.width = width; self.rowHeight = rowHeight
    }

    static let margin = 24
    static let swatch = 32

    /// The legend's entries placed in lines no wider than `maxWidth`: `(entry, x offset, line)`.
    static func legendLayout(_ legend: [LegendEntry], maxWidth: Int) -> (placed: [(LegendEntry, Int, Int)], lineWidths: [Int]) {
        let s = ChartStyle.self
        var placed: [(LegendEntry, Int, Int)] = [], widths: [Int] = [0]
        for entry in legend {
            let w = swatch + s.gap + BitmapFont.width(entry.name, scale: s.textScale)
            let spacing = widths[widths.count - 1] == 0 ? 0 : 3 * s.gap
            if widths[widths.count - 1] > 0, widths[widths.count - 1] + spacing + w > maxWidth { widths.append(0) }
            let line = widths.count - 1, x = widths[line] + (widths[line] == 0 ? 0 : 3 * s.gap)
            placed.append((entry, x, line))
            widths[line] = x + w
        }
        return (placed, widths)
    }

    /// Renders the figure.
    public func render() -> Canvas {
        let s = ChartStyle.self, m = Self.margin
        let noteLines = note.map { BitmapFont.wrap($0, maxWidth: width - 2 * m, scale: s.textScale) } ?? []
        let (placed, lineWidths) = Self.legendLayout(legend, maxWidth: width - 2 * m)
        let legendLineHeight = s.textHeight + s.gap
        let titleHeight = BitmapFont.size * s.titleScale
        var y = m + titleHeight + s.gap + noteLines.count * (s.textHeight + 4)
        let legendTop = y + s.gap
        if !legend.isEmpty { y = legendTop + lineWidths.count * legendLineHeight }
        let gridTop = y + s.gap
        var canvas = Canvas(width: width, height: gridTop + rows.count * rowHeight + m)

        canvas.text(title, x: width / 2, y: m, .ink, scale: s.titleScale, align: .center)
        for (k, line) in noteLines.enumerated() {
            canvas.text(line, x: width / 2, y: m + titleHeight + s.gap + k * (s.textHeight + 4), .mutedInk, scale: s.textScale, align: .center)
        }
        for (entry, x, line) in placed {
            let left = (width - lineWidths[line]) / 2 + x, top = legendTop + line * legendLineHeight
            let mid = top + s.textHeight / 2
            switch entry.mark {
            case .line:
                canvas.fillRect(x: left, y: mid - 6, width: Self.swatch, height: 12, entry.colour, alpha: s.bandAlpha)
                canvas.line(from: (Double(left), Double(mid)), to: (Double(left + Self.swatch - 1), Double(mid)), entry.colour,
                            thickness: s.lineThickness)
            case .box:
                canvas.fillRect(x: left + 4, y: top, width: Self.swatch - 8, height: s.textHeight, entry.colour)
            }
            canvas.text(entry.name, x: left + Self.swatch + s.gap, y: top, .ink, scale: s.textScale)
        }
        for (r, row) in rows.enumerated() {
            let cell = (width - 2 * m) / row.cells, first = m + (row.cells - row.panels.count) * cell / 2
            for (c, panel) in row.panels.enumerated() {
                panel.draw(on: &canvas, in: PlotRect(x: first + c * cell, y: gridTop + r * rowHeight, width: cell, height: rowHeight))
            }
        }
        return canvas
    }
}
