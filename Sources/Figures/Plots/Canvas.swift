import Declarations
import Experiment
import Foundation
import RRSISData
import Reporting
import RunStore
import Statistics

/// An sRGB colour, 8 bits per channel.
public struct RGB: Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
    /// Axis text and frames: near-black reads softer than black at small sizes.
    public static let ink = RGB(34, 34, 34)
    /// Grid lines and secondary text.
    public static let grid = RGB(225, 225, 225)
    public static let mutedInk = RGB(110, 110, 110)

    /// `top` over `self` with opacity `alpha` (0…1): `round(alpha · top + (1 − alpha) · self)` per channel.
    public func blended(with top: RGB, alpha: Double) -> RGB {
        let a = Swift.min(Swift.max(alpha, 0), 1)
        func mix(_ under: UInt8, _ over: UInt8) -> UInt8 { UInt8((a * Double(over) + (1 - a) * Double(under)).rounded()) }
        return RGB(mix(r, top.r), mix(g, top.g), mix(b, top.b))
    }
}

/// Series colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies and in
/// grey-scale print (yellow is left out: it vanishes on white).
public enum Palette {
    public static let colours: [RGB] = [
        RGB(0, 114, 178),     // blue
        RGB(213, 94, 0),      // vermillion
        RGB(0, 158, 115),     // bluish green
        RGB(204, 121, 167),   // reddish purple
        RGB(230, 159, 0),     // orange
        RGB(86, 180, 233),    // sky blue
        RGB(0, 0, 0),         // black
    ]

    /// The colour of series `index` (cycling past the end).
    public static func colour(_ index: Int) -> RGB { colours[((index % colours.count) + colours.count) % colours.count] }
}

/// The raster `DrawingSurface`: an RGB image to draw charts on (rectangles, thick lines, filled polygons with
/// opacity, text in `BitmapFont`, scaled images). Coordinates are pixels, x to the right and y down; a pixel `(x, y)` covers
/// `[x, x+1) × [y, y+1)`, so its centre is `(x + 0.5, y + 0.5)`. Drawing outside the canvas is clipped.
public struct Canvas: DrawingSurface, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGB samples, `(y * width + x) * 3 + channel`.
    public private(set) var pixels: [UInt8]

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: RGB = .white) {
        precondition(width > 0 && height > 0, "Canvas: \(width)x\(height) has no pixels")
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = background.r; pixels[3 * i + 1] = background.g; pixels[3 * i + 2] = background.b }
    }

    /// The colour at `(x, y)` (which must be on the canvas).
    public subscript(x: Int, y: Int) -> RGB {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "Canvas: (\(x), \(y)) is outside \(width)x\(height)")
        let i = 3 * (y * width + x)
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Paints one pixel with `colour` at opacity `alpha` over what is there (clipped).
    public mutating func blend(x: Int, y: Int, _ colour: RGB, alpha: Double = 1) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = 3 * (y * width + x)
        let c = alpha >= 1 ? colour : RGB(pixels[i], pixels[i + 1], pixels[i + 2]).blended(with: colour, alpha: alpha)
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
    }

    /// Fills the pixels of `rect` (clipped), blending at opacity `alpha`.
    public mutating func fill(_ rect: PlotRect, _ colour: RGB, alpha: Double) {
        let x0 = Swift.max(rect.x, 0), x1 = Swift.min(rect.maxX, width), y0 = Swift.max(rect.y, 0), y1 = Swift.min(rect.maxY, height)
        guard x0 < x1, y0 < y1 else { return }
        for py in y0..<y1 {
            for px in x0..<x1 { blend(x: px, y: py, colour, alpha: alpha) }
        }
    }

    /// Each segment as `rasterLine`; a single point is a zero-length line (a dot).
    public mutating func stroke(_ points: [SurfacePoint], _ colour: RGB, thickness: Int) {
        if points.count == 1 { rasterLine(from: points[0], to: points[0], colour, thickness: thickness) }
        for (a, b) in zip(points, points.dropFirst()) { rasterLine(from: a, to: b, colour, thickness: thickness) }
    }

    /// A `thickness`-wide square stamped at every step of a DDA walk from `a` to `b`, so that joined segments
    /// leave no gaps.
    mutating func rasterLine(from a: SurfacePoint, to b: SurfacePoint, _ colour: RGB, thickness: Int) {
        let steps = Swift.max(Int(Swift.max(Swift.abs(b.x - a.x), Swift.abs(b.y - a.y)).rounded(.up)), 1)
        let t = Swift.max(thickness, 1), lo = -(t - 1) / 2
        for s in 0...steps {
            let f = Double(s) / Double(steps)
            let cx = Int((a.x + f * (b.x - a.x)).rounded(.down)), cy = Int((a.y + f * (b.y - a.y)).rounded(.down))
            for dy in lo..<(lo + t) {
                for dx in lo..<(lo + t) {
                    // Corners of thick stamps are cut, so diagonal lines keep their width and ends look round.
                    if t >= 3, (dx == lo || dx == lo + t - 1), (dy == lo || dy == lo + t - 1) { continue }
                    blend(x: cx + dx, y: cy + dy, colour)
                }
            }
        }
    }

    /// Fills the polygon's pixels whose centre is inside (even–odd rule); each pixel is painted once, so a band's
    /// colour is exactly `blended(with:alpha:)` of what lies under it.
    public mutating func fill(polygon points: [SurfacePoint], _ colour: RGB, alpha: Double) {
        guard points.count >= 3 else { return }
        let ys = points.map(\.y)
        let top = Swift.max(Int(ys.min()!.rounded(.down)), 0), bottom = Swift.min(Int(ys.max()!.rounded(.up)), height - 1)
        guard top <= bottom else { return }
        for py in top...bottom {
            let cy = Double(py) + 0.5
            var crossings: [Double] = []
            for (i, a) in points.enumerated() {
                let b = points[(i + 1) % points.count]
                // Half-open in y, so a vertex shared by two edges is counted once.
                if (a.y <= cy && b.y > cy) || (b.y <= cy && a.y > cy) {
                    crossings.append(a.x + (cy - a.y) / (b.y - a.y) * (b.x - a.x))
                }
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                // Pixels whose centre lies in [left, right).
                let first = Swift.max(Int((crossings[k] - 0.5).rounded(.up)), 0)
                let last = Swift.min(Int((crossings[k + 1] - 0.5).rounded(.up)) - 1, width - 1)
                if first <= last { for px in first...last { blend(x: px, y: py, colour, alpha: alpha) } }
                k += 2
            }
        }
    }

    /// Copies `image`'s pixels, each as a `scale × scale` block.
    public mutating func place(_ image: PixelImage, x: Int, y: Int, scale: Int) {
        let rgb = image.rgb(), s = Swift.max(scale, 1)
        for sy in 0..<rgb.height {
            for sx in 0..<rgb.width {
                let i = 3 * (sy * rgb.width + sx)
                fillRect(x: x + sx * s, y: y + sy * s, width: s, height: s, RGB(rgb.pixels[i], rgb.pixels[i + 1], rgb.pixels[i + 2]))
            }
        }
    }

    /// `text` in `BitmapFont` (after `BitmapFont.ascii`), each font pixel a `scale × scale` block.
    public mutating func write(_ text: String, x: Int, y: Int, _ colour: RGB, scale s: Int, align: TextAlign, valign: TextAlign) {
        let line = BitmapFont.ascii(text)
        let w = line.unicodeScalars.count * BitmapFont.size * s, h = BitmapFont.size * s
        let left = align == .leading ? x : (align == .center ? x - w / 2 : x - w)
        let top = valign == .leading ? y : (valign == .center ? y - h / 2 : y - h)
        for (k, scalar) in line.unicodeScalars.enumerated() {
            for (row, bits) in BitmapFont.glyph(scalar).enumerated() where bits != 0 {
                for col in 0..<BitmapFont.size where bits & (1 << col) != 0 {
                    fillRect(x: left + (k * BitmapFont.size + col) * s, y: top + row * s, width: s, height: s, colour)
                }
            }
        }
    }

    /// `text` in `BitmapFont` with glyph columns running upwards and glyph rows rightwards.
    public mutating func writeUpright(_ text: String, x: Int, y: Int, _ colour: RGB, scale s: Int, align: TextAlign) {
        let line = BitmapFont.ascii(text)
        let length = line.unicodeScalars.count * BitmapFont.size * s, h = BitmapFont.size * s
        let left = x - h / 2, bottom = align == .leading ? y : (align == .center ? y + length / 2 : y + length)
        for (k, scalar) in line.unicodeScalars.enumerated() {
            for (row, bits) in BitmapFont.glyph(scalar).enumerated() where bits != 0 {
                for col in 0..<BitmapFont.size where bits & (1 << col) != 0 {
                    let u = k * BitmapFont.size + col
                    fillRect(x: left + row * s, y: bottom - (u + 1) * s, width: s, height: s, colour)
                }
            }
        }
    }

    /// The canvas as a 3-channel `PixelImage`.
    public var image: PixelImage { PixelImage(width: width, height: height, channels: 3, pixels: pixels) }

    /// The canvas encoded as PNG bytes.
    public func png() throws -> Data { try PNGCodec.encode(image) }
}
