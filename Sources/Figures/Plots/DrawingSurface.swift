import Foundation
import RRSISData

/// A point in surface coordinates: x to the right, y down, in pixels of the raster rendering (a pixel `(x, y)`
/// covers `[x, x+1) × [y, y+1)`).
public typealias SurfacePoint = (x: Double, y: Double)

/// What the plot types draw on: the raster `Canvas` (the PNGs) and `SVGSurface` (vector figures) implement the
/// same few primitives, so every figure built from `Figure`, the chart panels and `QualitativePanel` comes out
/// in both formats with one layout.
///
/// The primitives take every parameter; the drawing vocabulary the charts use (`fillRect`, `line`, `text`, …,
/// with defaults) is the extension below, written once over the primitives.
public protocol DrawingSurface {
    /// Width and height in pixels.
    var width: Int { get }
    var height: Int { get }
    /// Fills the pixels `rect.x ..< rect.maxX`, `rect.y ..< rect.maxY` with `colour` at opacity `alpha` (0…1).
    mutating func fill(_ rect: PlotRect, _ colour: RGB, alpha: Double)
    /// Consecutive points (pixel-centre coordinates) joined by straight lines `thickness` pixels wide with round
    /// ends; one point draws a dot.
    mutating func stroke(_ points: [SurfacePoint], _ colour: RGB, thickness: Int)
    /// Fills a simple polygon (even–odd rule) with `colour` at opacity `alpha`.
    mutating func fill(polygon points: [SurfacePoint], _ colour: RGB, alpha: Double)
    /// Draws `image` with its top-left corner at `(x, y)`, each source pixel a `scale × scale` block.
    mutating func place(_ image: PixelImage, x: Int, y: Int, scale: Int)
    /// One line of text at `scale` (`BitmapFont.size · scale` pixels tall) anchored at `(x, y)`: `align` puts the
    /// anchor at the text's left, middle or right, `valign` at its top, middle or bottom.
    mutating func write(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int, align: TextAlign, valign: TextAlign)
    /// One line of text turned a quarter turn anticlockwise (read bottom to top), its middle on the vertical line
    /// `x`; `align` puts `y` at the text's start (bottom), middle or end (top).
    mutating func writeUpright(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int, align: TextAlign)
}

/// Where a text's anchor point lies on its box.
public enum TextAlign: Sendable {
    case leading, center, trailing
}

extension DrawingSurface {
    /// Fills the pixels `x ..< x + width`, `y ..< y + height`.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB, alpha: Double = 1) {
        fill(PlotRect(x: x, y: y, width: w, height: h), colour, alpha: alpha)
    }

    /// A one-pixel outline of the rectangle `x ..< x + width`, `y ..< y + height`, `thickness` pixels inwards.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB, thickness t: Int = 1) {
        fillRect(x: x, y: y, width: w, height: t, colour)
        fillRect(x: x, y: y + h - t, width: w, height: t, colour)
        fillRect(x: x, y: y, width: t, height: h, colour)
        fillRect(x: x + w - t, y: y, width: t, height: h, colour)
    }

    /// A straight line of `thickness` pixels between two points (pixel-centre coordinates), with round ends.
    public mutating func line(from a: SurfacePoint, to b: SurfacePoint, _ colour: RGB, thickness: Int = 1) {
        stroke([a, b], colour, thickness: thickness)
    }

    /// Consecutive points joined by lines.
    public mutating func polyline(_ points: [SurfacePoint], _ colour: RGB, thickness: Int = 1) {
        stroke(points, colour, thickness: thickness)
    }

    /// Fills a simple polygon with `colour` at opacity `alpha`.
    public mutating func fillPolygon(_ points: [SurfacePoint], _ colour: RGB, alpha: Double = 1) {
        fill(polygon: points, colour, alpha: alpha)
    }

    /// Draws `image` (1, 3 or 4 channels; alpha ignored) with its top-left corner at `(x, y)`.
    public mutating func draw(_ image: PixelImage, x: Int, y: Int, scale: Int = 1) {
        place(image, x: x, y: y, scale: scale)
    }

    /// Draws `text` at `scale`, anchored at `(x, y)` (see `write`).
    public mutating func text(_ text: String, x: Int, y: Int, _ colour: RGB = .ink, scale: Int = 1,
                              align: TextAlign = .leading, valign: TextAlign = .leading) {
        write(text, x: x, y: y, colour, scale: Swift.max(scale, 1), align: align, valign: valign)
    }

    /// Draws `text` read bottom to top (a y-axis title), centred on `(x, y)` unless `align` says otherwise.
    public mutating func verticalText(_ text: String, x: Int, y: Int, _ colour: RGB = .ink, scale: Int = 1, align: TextAlign = .center) {
        writeUpright(text, x: x, y: y, colour, scale: Swift.max(scale, 1), align: align)
    }
}

/// A whole picture with a size of its own (a `Figure`, a `QualitativePanel`), drawn on either surface.
public protocol Drawing: Sendable {
    /// Width and height in pixels of the picture.
    var size: (width: Int, height: Int) { get }
    /// Draws the picture on `surface`, which is `size` large.
    func draw<S: DrawingSurface>(on surface: inout S)
}

extension Drawing {
    /// The picture rasterised (the PNG figures).
    public func render() -> Canvas {
        var canvas = Canvas(width: size.width, height: size.height)
        draw(on: &canvas)
        return canvas
    }

    /// The picture as an SVG document (text as `<text>`, shapes as vector elements).
    public func svg() -> String { svgSurface().document }

    /// The picture recorded on an `SVGSurface` (its `element` inlines in HTML).
    public func svgSurface() -> SVGSurface {
        var surface = SVGSurface(width: size.width, height: size.height)
        draw(on: &surface)
        return surface
    }
}
