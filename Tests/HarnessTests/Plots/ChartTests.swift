import Foundation
import RRSISData
import Testing
@testable import Figures
import RRSISModels

/// Charts drawn from hand-made series: the PNG decodes at the figure's size with the series' colours, values
/// land where the axis maps them, bands blend over white by their alpha.
struct ChartTests {
    static let blue = Palette.colour(0), vermillion = Palette.colour(1)

    static func colours(_ image: PixelImage) -> [RGB: Int] {
        var counts: [RGB: Int] = [:]
        for i in stride(from: 0, to: image.pixels.count, by: image.channels) {
            counts[RGB(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]), default: 0] += 1
        }
        return counts
    }

    static func decoded(_ canvas: Canvas) throws -> PixelImage {
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "fiabench-chart-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try canvas.png().write(to: url)
        return try PNGCodec.read(url)
    }

    @Test func lineFigureDecodesWithItsSeriesAndBandColours() throws {
        let a = LineSeries(name: "Coarse", colour: Self.blue, points: [
            LinePoint(x: 1, y: 0.6, low: 0.5, high: 0.7), LinePoint(x: 2, y: 0.4, low: 0.3, high: 0.5), LinePoint(x: 3, y: 0.3, low: 0.2, high: 0.4)])
        let b = LineSeries(name: "FIAM", colour: Self.vermillion, points: [LinePoint(x: 1, y: 0.2), LinePoint(x: 3, y: 0.9)])
        let figure = Figure(title: "curves", note: "a note", legend: [LegendEntry("Coarse", Self.blue), LegendEntry("FIAM", Self.vermillion)],
                            rows: [FigureRow([LineChart(title: "loss", xLabel: "epoch", yLabel: "loss", series: [a, b])])], width: 700, rowHeight: 400)
        let canvas = figure.render()
        let image = try Self.decoded(canvas)
        #expect(image.width == 700 && image.height == canvas.height && image.channels == 3)
        #expect(image.pixels == canvas.pixels)
        let counts = Self.colours(image)
        #expect((counts[Self.blue] ?? 0) > 100 && (counts[Self.vermillion] ?? 0) > 100)
        // Blue at alpha 0.2 over white: (0.8 · 255 + 0.2 · (0, 114, 178)) = (204, 226.8, 239.6) → (204, 227, 240).
        #expect((counts[RGB(204, 227, 240)] ?? 0) > 500)
    }

    @Test func valuesLandWhereTheAxisMapsThem() {
        // Ticks 0…60 (0.54 · 100 → range 100, step 20, upper 60) on a plot `height` pixels tall: value v at
        // maxY − v / 60 · height.
        let frame = YAxisFrame(outer: PlotRect(x: 0, y: 0, width: 400, height: 300), title: "t", yLabel: "y",
                               ticks: NiceTicks(low: 0, high: 54, count: 6), bottomSpace: 40)
        #expect(frame.ticks.values == [0, 20, 40, 60])
        #expect(frame.py(0) == Double(frame.plot.maxY) && frame.py(60) == Double(frame.plot.y))
        #expect(abs(frame.py(30) - (Double(frame.plot.maxY) - 0.5 * Double(frame.plot.height))) < 1e-9)

        // A single bar of 50 (±0: no error bar) reaches from the zero line up to py(50).
        let chart = BarChart(title: "t", yLabel: "y", groups: ["g"], series: [BarSeries(name: "s", colour: Self.vermillion, values: [BarValue(value: 50)])])
        #expect(chart.yTicks.values == [0, 20, 40, 60])
        var canvas = Canvas(width: 400, height: 300)
        let rect = PlotRect(x: 0, y: 0, width: 400, height: 300)
        chart.draw(on: &canvas, in: rect)
        let column = (0..<400).first { x in (0..<300).contains { canvas[x, $0] == Self.vermillion } }!
        let rows = (0..<300).filter { canvas[column + 2, $0] == Self.vermillion }
        let lines = chart.groupLabels(groupWidth: 100).lines.count
        let drawn = YAxisFrame(outer: rect, title: "t", yLabel: "y", ticks: chart.yTicks,
                               bottomSpace: ChartStyle.tickLength + ChartStyle.gap + lines * (BitmapFont.size * ChartStyle.textScale + 4) + ChartStyle.gap)
        #expect(rows.first == Int(drawn.py(50).rounded()) && rows.last == Int(drawn.py(0).rounded()) - 1)
    }

    @Test func barAxisStaysAtZeroForNonNegativeValuesWithWideErrors() {
        let chart = BarChart(title: "t", yLabel: "y", groups: ["a", "b"],
                             series: [BarSeries(name: "s", colour: Self.blue, values: [BarValue(value: 2, error: 5), nil])])
        #expect(chart.yTicks.lower == 0)
        let negative = BarChart(title: "t", yLabel: "y", groups: ["a"], series: [BarSeries(name: "s", colour: Self.blue, values: [BarValue(value: -3)])])
        #expect(negative.yTicks.lower < 0)
    }
}
