import Declarations
import Experiment
import RRSISData
import Reporting
import RunStore
import Statistics

/// One row of a qualitative panel: a sample's image, its ground truth and each variant's predicted mask.
public struct QualitativeSample: Sendable {
    public var id: String
    public var expression: String
    /// The image at the masks' resolution (RGB or gray).
    public var image: PixelImage
    /// Ground truth, one byte per pixel of `image` (1 = target).
    public var truth: [UInt8]
    /// One per variant column, nil where the variant kept no prediction of this sample: the mask (same size as
    /// `image`) and its IoU (a fraction).
    public var predictions: [(mask: [UInt8], iou: Double?)?]

    public init(id: String, expression: String, image: PixelImage, truth: [UInt8], predictions: [(mask: [UInt8], iou: Double?)?]) {
        self.id = id; self.expression = expression; self.image = image; self.truth = truth; self.predictions = predictions
    }
}

/// The qualitative figure: one row per sample with columns image | ground truth | each variant's prediction,
/// masks drawn over the image (filled translucently and outlined), the prediction's IoU under it and the
/// referring expression, wrapped, under the row.
public struct QualitativePanel: Sendable {
    public var title: String
    public var note: String?
    /// Column titles of the predictions.
    public var variants: [String]
    public var samples: [QualitativeSample]
    /// Side of a cell, pixels: images are resampled to it (nearest neighbour when enlarging, so pixels stay crisp).
    public var side: Int

    public init(title: String, note: String? = nil, variants: [String], samples: [QualitativeSample], side: Int = QualitativePanel.side) {
        self.title = title; self.note = note; self.variants = variants; self.samples = samples; self.side = side
    }

    /// The report's cell side, pixels.
    public static let side = 192
    /// Overlay colours: ground truth green, predictions vermilion-red.
    public static let truthColour = RGB(0, 200, 100)
    public static let predictionColour = RGB(240, 60, 40)
    static let overlayAlpha = 0.45

    /// Sizes of the panel's parts, shared by `size` and `draw`.
    struct Layout {
        var width: Int
        /// The title wrapped to the panel's width (one line unless the panel is narrower than its title).
        var titleLines: [String]
        var headers: [[String]]
        var headerHeight: Int
        var noteLines: [String]
        var captions: [[String]]
        var rowHeights: [Int]
        var top: Int
        var height: Int { top + headerHeight + ChartStyle.gap + rowHeights.reduce(0, +) + Figure.margin }
    }

    var layout: Layout {
        let s = ChartStyle.self, m = Figure.margin, side = self.side, gap = Self.columnGap
        let columns = 2 + variants.count
        let width = 2 * m + columns * side + (columns - 1) * gap
        let headers = (["Image", "Ground truth"] + variants).map { BitmapFont.wrap($0, maxWidth: side, scale: s.textScale) }
        let noteLines = note.map { BitmapFont.wrap($0, maxWidth: width - 2 * m, scale: s.textScale) } ?? []
        let captions = samples.map { BitmapFont.wrap("\"\($0.expression)\"", maxWidth: width - 2 * m, scale: s.textScale) }
        let labelHeight = s.gap + s.textHeight
        let titleLines = BitmapFont.wrap(title, maxWidth: width - 2 * m, scale: s.titleScale)
        return Layout(width: width, titleLines: titleLines, headers: headers, headerHeight: (headers.map(\.count).max() ?? 1) * (s.textHeight + 4),
                      noteLines: noteLines, captions: captions,
                      rowHeights: captions.map { side + labelHeight + s.gap + $0.count * (s.textHeight + 4) + 2 * s.gap },
                      top: m + titleLines.count * BitmapFont.size * s.titleScale + s.gap + noteLines.count * (s.textHeight + 4) + 2 * s.gap)
    }

    static let columnGap = 12
}

extension QualitativePanel: Drawing {
    public var size: (width: Int, height: Int) { let l = layout; return (l.width, l.height) }

    /// Title and note, column headers, then one row per sample.
    public func draw<S: DrawingSurface>(on canvas: inout S) {
        let s = ChartStyle.self, m = Figure.margin, side = self.side, l = layout
        let titleHeight = l.titleLines.count * BitmapFont.size * s.titleScale, labelHeight = s.gap + s.textHeight
        for (k, line) in l.titleLines.enumerated() {
            canvas.text(line, x: l.width / 2, y: m + k * BitmapFont.size * s.titleScale, .ink, scale: s.titleScale, align: .center)
        }
        for (k, line) in l.noteLines.enumerated() {
            canvas.text(line, x: l.width / 2, y: m + titleHeight + s.gap + k * (s.textHeight + 4), .mutedInk, scale: s.textScale, align: .center)
        }
        func columnX(_ c: Int) -> Int { m + c * (side + Self.columnGap) }
        for (c, lines) in l.headers.enumerated() {
            for (k, line) in lines.enumerated() {
                canvas.text(line, x: columnX(c) + side / 2, y: l.top + k * (s.textHeight + 4), .ink, scale: s.textScale, align: .center)
            }
        }
        var y = l.top + l.headerHeight + s.gap
        for (r, sample) in samples.enumerated() {
            let (w, h) = (sample.image.width, sample.image.height)
            let image = Self.resample(sample.image, side: side)
            canvas.draw(image, x: columnX(0), y: y)
            let idScale = BitmapFont.width(sample.id, scale: s.textScale) <= side ? s.textScale : 1
            canvas.text(sample.id, x: columnX(0) + side / 2, y: y + side + s.gap, .mutedInk, scale: idScale, align: .center)
            canvas.draw(Self.overlaid(image, Resize.nearest(sample.truth, width: w, height: h, toWidth: side, height: side),
                                      colour: Self.truthColour), x: columnX(1), y: y)
            for (v, prediction) in sample.predictions.enumerated() where v < variants.count {
                let x = columnX(2 + v)
                guard let prediction, prediction.mask.count == w * h else {
                    canvas.fillRect(x: x, y: y, width: side, height: side, .grid)
                    canvas.text("no prediction", x: x + side / 2, y: y + side / 2, .mutedInk, scale: 1, align: .center, valign: .center)
                    continue
                }
                canvas.draw(Self.overlaid(image, Resize.nearest(prediction.mask, width: w, height: h, toWidth: side, height: side),
                                          colour: Self.predictionColour), x: x, y: y)
                let iou = prediction.iou.map { "IoU " + Format.fixed(100 * $0, 1) } ?? "IoU -"
                canvas.text(iou, x: x + side / 2, y: y + side + s.gap, .ink, scale: s.textScale, align: .center)
            }
            for (k, line) in l.captions[r].enumerated() {
                canvas.text(line, x: m, y: y + side + labelHeight + s.gap + k * (s.textHeight + 4), .ink, scale: s.textScale)
            }
            y += l.rowHeights[r]
            if r + 1 < samples.count { canvas.fillRect(x: m, y: y - s.gap, width: l.width - 2 * m, height: 1, .grid) }
        }
    }
}

extension QualitativePanel {
    /// `image` (`side × side` RGB) with `mask` drawn over it: one picture per cell, so the vector figure embeds
    /// it as one image and the raster one gets the same pixels as painting the overlay in place.
    static func overlaid(_ image: PixelImage, _ mask: [UInt8], colour: RGB) -> PixelImage {
        var cell = Canvas(width: image.width, height: image.height)
        cell.draw(image, x: 0, y: 0)
        overlay(&cell, mask, x: 0, y: 0, colour: colour)
        return cell.image
    }

    /// `image` as `side × side` RGB: nearest neighbour when enlarging, bilinear when shrinking.
    static func resample(_ image: PixelImage, side: Int) -> PixelImage {
        let rgb = image.rgb()
        if rgb.width >= side || rgb.height >= side { return Resize.bilinear(rgb, width: side, height: side) }
        var out = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            let sy = y * rgb.height / side
            for x in 0..<side {
                let sx = x * rgb.width / side
                for c in 0..<3 { out[3 * (y * side + x) + c] = rgb.pixels[3 * (sy * rgb.width + sx) + c] }
            }
        }
        return PixelImage(width: side, height: side, channels: 3, pixels: out)
    }

    /// Tints `mask`'s pixels (a `side × side` mask at `(x, y)`) and outlines it: a mask pixel with a non-mask
    /// pixel within 2 pixels horizontally or vertically is part of the 2-pixel outline.
    static func overlay(_ canvas: inout Canvas, _ mask: [UInt8], x: Int, y: Int, colour: RGB) {
        let side = Int(Double(mask.count).squareRoot())
        func at(_ i: Int, _ j: Int) -> Bool { i >= 0 && j >= 0 && i < side && j < side && mask[j * side + i] != 0 }
        for j in 0..<side {
            for i in 0..<side where mask[j * side + i] != 0 {
                let edge = !(1...2).allSatisfy { d in at(i - d, j) && at(i + d, j) && at(i, j - d) && at(i, j + d) }
                canvas.blend(x: x + i, y: y + j, colour, alpha: edge ? 1 : overlayAlpha)
            }
        }
    }
}
