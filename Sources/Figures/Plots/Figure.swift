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

    /// Where the figure's parts go: computed once for `size` and again for drawing.
    struct Layout {
        var noteLines: [String]
        var placed: [(LegendEntry, Int, Int)]
        var lineWidths: [Int]
        var legendTop: Int
        var gridTop: Int
        /// Top and height of each row: `rowHeight`, or more where a panel needs more (`ChartPanel.minimumHeight`).
        var rowFrames: [(top: Int, height: Int)]
        var height: Int
    }

    var layout: Layout {
        let s = ChartStyle.self, m = Self.margin
        let noteLines = note.map { BitmapFont.wrap($0, maxWidth: width - 2 * m, scale: s.textScale) } ?? []
        let (placed, lineWidths) = Self.legendLayout(legend, maxWidth: width - 2 * m)
        let titleHeight = BitmapFont.size * s.titleScale
        var y = m + titleHeight + s.gap + noteLines.count * (s.textHeight + 4)
        let legendTop = y + s.gap
        if !legend.isEmpty { y = legendTop + lineWidths.count * (s.textHeight + s.gap) }
        let gridTop = y + s.gap
        var frames: [(top: Int, height: Int)] = [], top = gridTop
        for row in rows {
            let cell = (width - 2 * m) / row.cells
            let needed = row.panels.map { $0.minimumHeight(width: cell) }.max() ?? 0
            frames.append((top, Swift.max(rowHeight, needed)))
            top += frames[frames.count - 1].height
        }
        return Layout(noteLines: noteLines, placed: placed, lineWidths: lineWidths, legendTop: legendTop, gridTop: gridTop,
                      rowFrames: frames, height: top + m)
    }
}

extension Figure: Drawing {
    public var size: (width: Int, height: Int) { (width, layout.height) }

    /// Title, note, legend, then each row's panels in equal cells.
    public func draw<S: DrawingSurface>(on canvas: inout S) {
        let s = ChartStyle.self, m = Self.margin, l = layout
        let titleHeight = BitmapFont.size * s.titleScale, legendLineHeight = s.textHeight + s.gap
        canvas.text(title, x: width / 2, y: m, .ink, scale: s.titleScale, align: .center)
        for (k, line) in l.noteLines.enumerated() {
            canvas.text(line, x: width / 2, y: m + titleHeight + s.gap + k * (s.textHeight + 4), .mutedInk, scale: s.textScale, align: .center)
        }
        for (entry, x, line) in l.placed {
            let left = (width - l.lineWidths[line]) / 2 + x, top = l.legendTop + line * legendLineHeight
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
        for (row, frame) in zip(rows, l.rowFrames) {
            let cell = (width - 2 * m) / row.cells, first = m + (row.cells - row.panels.count) * cell / 2
            for (c, panel) in row.panels.enumerated() {
                panel.draw(on: &canvas, in: PlotRect(x: first + c * cell, y: frame.top, width: cell, height: frame.height))
            }
        }
    }
}
