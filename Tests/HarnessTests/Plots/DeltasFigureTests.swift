import Foundation
import Testing
@testable import Experiment
@testable import Reporting
@testable import Figures
import RRSISModels

@Suite("deltas.png")
struct DeltasFigureTests {
    @Test func oneLinePerVariantAndMetricWithTheTablesIntervals() throws {
        let (plan, store, dir) = try PairedReportTests.populated()
        defer { dir.remove() }
        let table = try ReportBuilder.build(plan, store: store)
        let figure = try #require(ReportPlots.deltas(table))
        let forest = try #require(figure.rows.first?.panels.first as? ForestPlot)
        #expect(forest.rows.count == 2 * Metric.allCases.count)
        let fiam = try #require(forest.rows.first { $0.label == "FIAM: mIoU" })
        #expect(fiam.delta == table.rows[2].paired[.mIoU]!.delta && fiam.low == table.rows[2].paired[.mIoU]!.low)
        #expect(fiam.isResolved)
        // Without per-sample results there is no figure (never an empty one).
        var plain = table
        for i in plain.rows.indices { plain.rows[i].paired = [:] }
        #expect(ReportPlots.deltas(plain) == nil)
    }

    @Test func resolvedLinesAreInTheirColourAndUnresolvedOnesGrey() throws {
        let colour = RGB(200, 30, 40)
        let plot = ForestPlot(title: "t", xLabel: "x", rows: [
            ForestRow(label: "resolved", delta: 2, low: 1, high: 3, colour: colour),
            ForestRow(label: "unresolved", delta: 0.5, low: -1, high: 2, colour: RGB(20, 200, 40)),
        ])
        var canvas = Canvas(width: 600, height: ForestPlot.height(rows: 2))
        plot.draw(on: &canvas, in: PlotRect(x: 0, y: 0, width: 600, height: ForestPlot.height(rows: 2)))
        let pixels = canvas.image.pixels
        func count(_ c: RGB) -> Int {
            stride(from: 0, to: pixels.count, by: 3).filter { pixels[$0] == c.r && pixels[$0 + 1] == c.g && pixels[$0 + 2] == c.b }.count
        }
        #expect(count(colour) > 50)                 // whisker and dot of the resolved row
        #expect(count(RGB(20, 200, 40)) == 0)       // the unresolved row is drawn grey
        #expect(count(.mutedInk) > 50)
    }
}
