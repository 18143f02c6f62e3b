import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RRSISData
import Testing
@testable import Figures

/// The elements of an XML document, parsed by Foundation's `XMLParser` (so a malformed document fails).
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text = "" }
    private(set) var elements: [Element] = []
    private var open: [Int] = []

    /// Parses `document`; nil with the parser's error when it is not well-formed XML.
    static func parse(_ document: String) -> (elements: [Element], error: String?) {
        let collector = XMLElements(), parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        let ok = parser.parse()
        return (collector.elements, ok ? nil : "\(parser.parserError.map { "\($0)" } ?? "unknown error") at line \(parser.lineNumber)")
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
}

/// The vector renderer: well-formed SVG whose shapes sit where the raster puts their pixels, and text as text.
struct SVGTests {
    static let vermillion = Palette.colour(1)

    @Test func primitivesBecomeElementsAtTheRastersCoordinates() throws {
        var svg = SVGSurface(width: 200, height: 100)
        var png = Canvas(width: 200, height: 100)
        func draw<S: DrawingSurface>(_ s: inout S) {
            s.fillRect(x: 10, y: 20, width: 30, height: 5, Self.vermillion)
            s.fillRect(x: 60, y: 20, width: 10, height: 10, Self.vermillion, alpha: 0.2)
            s.text("a<b & \"c\"", x: 100, y: 60, .ink, scale: 2, align: .center, valign: .center)
            s.verticalText("loss", x: 150, y: 50, .ink, scale: 2)
            s.line(from: (0.5, 90.5), to: (40.5, 90.5), .ink, thickness: 1)
        }
        draw(&svg); draw(&png)
        let (elements, error) = XMLElements.parse(svg.document)
        #expect(error == nil)
        let rects = elements.filter { $0.name == "rect" }
        // The background, then the two rectangles exactly as given (pixels x 10..<40, y 20..<25 in the PNG).
        #expect(rects.count == 3)
        #expect(rects[1].attributes == ["x": "10", "y": "20", "width": "30", "height": "5", "fill": "#d55e00"])
        #expect(rects[2].attributes["fill-opacity"] == "0.2")
        #expect(png[10, 20] == Self.vermillion && png[39, 24] == Self.vermillion && png[40, 24] == .white && png[39, 25] == .white)
        // Text keeps its characters (escaped in the file, intact once parsed); 16-pixel text centred on y = 60 has its
        // top at 52, so its baseline at 52 + 0.8 · 16 = 64.8; the raster's glyph box spans the same rows 52..<68.
        let texts = elements.filter { $0.name == "text" }
        #expect(texts.map(\.text) == ["a<b & \"c\"", "loss"])
        #expect(texts[0].attributes["x"] == "100" && texts[0].attributes["y"] == "64.8" && texts[0].attributes["font-size"] == "16")
        #expect(texts[0].attributes["text-anchor"] == "middle")
        let inkRows = (0..<100).filter { y in (60..<140).contains { png[$0, y] == .ink } }
        #expect(inkRows.min()! >= 52 && inkRows.max()! < 68)
        // Upright text turns about its own anchor: x = 150 + 0.3 · 16 = 154.8.
        #expect(texts[1].attributes["transform"] == "rotate(-90 154.8 50)")
        let line = try #require(elements.first { $0.name == "line" })
        #expect(line.attributes["x1"] == "0.5" && line.attributes["y1"] == "90.5" && line.attributes["x2"] == "40.5")
    }

    @Test func aBarChartsBarsAndLabelsMatchItsPNG() throws {
        let chart = BarChart(title: "mean IoU", yLabel: "IoU (%)", groups: ["mIoU", "oIoU"],
                             series: [BarSeries(name: "FIAM", colour: Self.vermillion, values: [BarValue(value: 50), BarValue(value: 20)])])
        let figure = Figure(title: "demo results", legend: [LegendEntry("FIAM", Self.vermillion, mark: .box)], rows: [FigureRow([chart])],
                            width: 600, rowHeight: 360)
        let canvas = figure.render(), svg = figure.svg()
        let (elements, error) = XMLElements.parse(svg)
        #expect(error == nil)
        let root = try #require(elements.first)
        #expect(root.name == "svg" && root.attributes["viewBox"] == "0 0 600 \(canvas.height)" && root.attributes["width"] == "600")
        let texts = Set(elements.filter { $0.name == "text" }.map(\.text))
        #expect(texts.isSuperset(of: ["demo results", "mean IoU", "IoU (%)", "mIoU", "oIoU", "FIAM", "50.0", "20.0"]))
        // Every vermillion rectangle of the SVG (legend box, two bars) covers exactly vermillion pixels of the PNG,
        // and together they account for every vermillion pixel.
        let boxes = elements.filter { $0.name == "rect" && $0.attributes["fill"] == "#d55e00" }.map { e in
            (x: Int(e.attributes["x"]!)!, y: Int(e.attributes["y"]!)!, w: Int(e.attributes["width"]!)!, h: Int(e.attributes["height"]!)!)
        }
        #expect(boxes.count == 3)
        var covered = 0
        for b in boxes {
            for y in b.y..<(b.y + b.h) { for x in b.x..<(b.x + b.w) { #expect(canvas[x, y] == Self.vermillion); covered += 1 } }
        }
        let all = (0..<canvas.height).reduce(0) { n, y in n + (0..<canvas.width).filter { canvas[$0, y] == Self.vermillion }.count }
        #expect(covered == all)
    }

    @Test func longCategoryNamesTurnUprightAtFullSizeAndTheRowGrows() throws {
        let groups = ["airplane (n=38)", "baseball field (n=24)", "basketball court (n=31)", "ground track field (n=32)", "storage tank (n=60)",
                      "tennis court (n=47)", "vehicle (n=46)", "bridge (n=31)", "chimney (n=60)", "ship (n=31)"]
        let chart = BarChart(title: "by category", yLabel: "mIoU (%)", groups: groups,
                             series: [BarSeries(name: "a", colour: Self.vermillion, values: groups.map { _ in BarValue(value: 40) })])
        let figure = Figure(title: "t", legend: [], rows: [FigureRow([chart])], width: 1400, rowHeight: 460)
        // A group about 120 px wide leaves ~113 px for its label, so "basketball" (160 px at 16 px per character)
        // cannot lie flat; upright, 113 / 20 = 5 lines (16 px text + 4 px leading) fit side by side.
        let labels = chart.groupLabels(groupWidth: 113)
        #expect(labels.upright && labels.scale == ChartStyle.textScale)
        #expect(labels.lines.allSatisfy { $0.count <= 5 } && labels.lines.map { $0.joined(separator: " ") } == groups)
        // The longest upright line decides the space under the plot, and the row grows to keep a 280-pixel plot.
        let longest = labels.lines.flatMap { $0 }.map { BitmapFont.width($0, scale: 2) }.max()!
        #expect(chart.minimumHeight(width: 1352) == 40 + BarChart.minimumPlotHeight + 6 + 8 + longest + 8)
        #expect(figure.layout.rowFrames[0].height == chart.minimumHeight(width: 1352))
        // In the SVG every label line is a rotated <text>, none cut, its end (top) at the labels' top under the ticks.
        let upright = XMLElements.parse(figure.svg()).elements.filter { $0.name == "text" && $0.attributes["text-anchor"] == "end"
            && $0.attributes["transform"] != nil }.map(\.text)
        #expect(Set(upright) == Set(labels.lines.flatMap { $0 }))
        // Short labels still lie flat at full size (the other panels' PNGs are unchanged).
        #expect(!BarChart(title: "", yLabel: "", groups: ["small (n=132)", "large"], series: []).groupLabels(groupWidth: 300).upright)
    }

    @Test func theQualitativePanelEmbedsItsCellsAsPNGsAndKeepsItsPixels() throws {
        let image = PixelImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 90, count: 48))
        let mask: [UInt8] = [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]
        let panel = QualitativePanel(title: "q", variants: ["FIAM"], samples: [
            QualitativeSample(id: "s1", expression: "the ship", image: image, truth: mask, predictions: [(mask: mask, iou: 0.5)])])
        let (elements, error) = XMLElements.parse(panel.svg())
        #expect(error == nil)
        let images = elements.filter { $0.name == "image" }
        #expect(images.count == 3 && images.allSatisfy { $0.attributes["width"] == "\(QualitativePanel.side)" })
        // The embedded ground-truth cell decodes to the raster's pixels of that cell.
        let href = try #require(images[1].attributes["xlink:href"])
        let data = try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count))))
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "fiabench-svg-cell-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let cell = try PNGCodec.read(url), canvas = panel.render()
        let (x0, y0) = (Int(images[1].attributes["x"]!)!, Int(images[1].attributes["y"]!)!)
        #expect(cell.width == QualitativePanel.side)
        #expect((0..<cell.height).allSatisfy { y in (0..<cell.width).allSatisfy { x in
            let i = 3 * (y * cell.width + x)
            return canvas[x0 + x, y0 + y] == RGB(cell.pixels[i], cell.pixels[i + 1], cell.pixels[i + 2])
        } })
        #expect(Set(elements.filter { $0.name == "text" }.map(\.text)).isSuperset(of: ["q", "Image", "Ground truth", "FIAM", "IoU 50.0", "\"the ship\""]))

        // A title wider than the panel (3 × 128 + 2 × 12 + 2 × 24 = 456 px; 24 px per character) wraps instead of being cut.
        var narrow = panel
        narrow.side = 128
        narrow.title = "FIAM w/o spatial, seed 0"
        #expect(narrow.layout.titleLines == ["FIAM w/o spatial,", "seed 0"])
        // Its one row is 64 px shorter (128-px cells), the "Ground truth" header takes two 20-px lines, the title two 24-px lines.
        #expect(narrow.size.height == panel.size.height - 64 + 20 + 24)
    }
}
