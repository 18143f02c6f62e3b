import Foundation
import RRSISData

/// The vector `DrawingSurface`: records the primitives as SVG 1.1 elements in the raster's pixel coordinates
/// (`viewBox` = the PNG's size, so a shape sits where its pixels are in the PNG). Text is `<text>` in the
/// generic `sans-serif` family at the bitmap font's height, so a figure included in a paper takes the
/// document's font; images (the qualitative panel's photographs) are embedded PNGs.
public struct SVGSurface: DrawingSurface, Sendable {
    public let width: Int
    public let height: Int
    /// The elements drawn so far, one per line, in drawing order (later ones paint over earlier ones).
    public private(set) var elements: [String] = []

    /// An empty picture on a white background.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "SVGSurface: \(width)x\(height) has no area")
        self.width = width; self.height = height
    }

    /// The standalone SVG document (an XML declaration, then `element`).
    public var document: String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element + "\n" }

    /// The `<svg>` element alone, to inline in HTML.
    public var element: String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" \
        width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
        \(elements.joined(separator: "\n"))
        </svg>
        """
    }

    public mutating func fill(_ rect: PlotRect, _ colour: RGB, alpha: Double) {
        guard rect.width > 0, rect.height > 0 else { return }
        elements.append("<rect x=\"\(rect.x)\" y=\"\(rect.y)\" width=\"\(rect.width)\" height=\"\(rect.height)\" fill=\"\(Self.hex(colour))\"\(Self.opacity("fill", alpha))/>")
    }

    public mutating func stroke(_ points: [SurfacePoint], _ colour: RGB, thickness: Int) {
        guard !points.isEmpty else { return }
        let style = "fill=\"none\" stroke=\"\(Self.hex(colour))\" stroke-width=\"\(Swift.max(thickness, 1))\" stroke-linecap=\"round\""
        if points.count <= 2 {
            let (a, b) = (points[0], points[points.count - 1])
            elements.append("<line x1=\"\(Self.number(a.x))\" y1=\"\(Self.number(a.y))\" x2=\"\(Self.number(b.x))\" y2=\"\(Self.number(b.y))\" \(style)/>")
        } else {
            elements.append("<polyline points=\"\(Self.points(points))\" \(style) stroke-linejoin=\"round\"/>")
        }
    }

    public mutating func fill(polygon points: [SurfacePoint], _ colour: RGB, alpha: Double) {
        guard points.count >= 3 else { return }
        elements.append("<polygon points=\"\(Self.points(points))\" fill=\"\(Self.hex(colour))\"\(Self.opacity("fill", alpha)) fill-rule=\"evenodd\"/>")
    }

    public mutating func place(_ image: PixelImage, x: Int, y: Int, scale: Int) {
        let s = Swift.max(scale, 1)
        // PNG encoding of an in-memory 8-bit image fails only on a malformed `PixelImage`, a programmer error.
        guard let png = try? PNGCodec.encode(image.rgb()) else { preconditionFailure("SVGSurface: image \(image.width)x\(image.height) does not encode") }
        elements.append("<image x=\"\(x)\" y=\"\(y)\" width=\"\(image.width * s)\" height=\"\(image.height * s)\" "
            + "style=\"image-rendering:pixelated\" preserveAspectRatio=\"none\" xlink:href=\"data:image/png;base64,\(png.base64EncodedString())\"/>")
    }

    public mutating func write(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int, align: TextAlign, valign: TextAlign) {
        let size = Double(BitmapFont.size * scale)
        // The raster text box is `size` tall from its top; a proportional font's baseline sits ~0.8 of its size below the top.
        let top = valign == .leading ? Double(y) : (valign == .center ? Double(y) - size / 2 : Double(y) - size)
        elements.append("<text x=\"\(x)\" y=\"\(Self.number(top + 0.8 * size))\" \(Self.font(size, colour))\(Self.anchor(align))>\(Self.escaped(text))</text>")
    }

    public mutating func writeUpright(_ text: String, x: Int, y: Int, _ colour: RGB, scale: Int, align: TextAlign) {
        let size = Double(BitmapFont.size * scale)
        // Rotated a quarter turn about (x, y): the baseline runs upwards at 0.3 of the size right of the centre line,
        // and the text's start, middle or end (its top) sits at y.
        let baseX = Double(x) + 0.3 * size
        elements.append("<text x=\"\(Self.number(baseX))\" y=\"\(y)\" transform=\"rotate(-90 \(Self.number(baseX)) \(y))\" "
            + "\(Self.font(size, colour))\(Self.anchor(align))>\(Self.escaped(text))</text>")
    }

    /// `#rrggbb`.
    static func hex(_ c: RGB) -> String { String(format: "#%02x%02x%02x", c.r, c.g, c.b) }

    /// ` fill-opacity="…"` for a translucent fill, nothing when opaque.
    static func opacity(_ attribute: String, _ alpha: Double) -> String {
        alpha >= 1 ? "" : " \(attribute)-opacity=\"\(number(Swift.max(alpha, 0)))\""
    }

    static func font(_ size: Double, _ colour: RGB) -> String {
        "font-family=\"sans-serif\" font-size=\"\(number(size))\" fill=\"\(hex(colour))\""
    }

    static func anchor(_ align: TextAlign) -> String {
        switch align {
        case .leading: return ""
        case .center: return " text-anchor=\"middle\""
        case .trailing: return " text-anchor=\"end\""
        }
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12`, `12.5`, `12.25`).
    static func number(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    static func points(_ points: [SurfacePoint]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// XML character data: `&`, `<`, `>`, `"` escaped; control characters dropped (XML 1.0 forbids them).
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out += " "
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
