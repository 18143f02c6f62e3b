/// Resizing on plain arrays. Pixel centres are aligned (`align_corners = false` in PyTorch terms):
/// output pixel `i` samples the input at `(i + 0.5) * in / out - 0.5`.
public enum Resize {
    /// Bilinear resize of an 8-bit image (any channel count), rounding to nearest.
    public static func bilinear(_ image: PixelImage, width: Int, height: Int) -> PixelImage {
        if image.width == width && image.height == height { return image }
        let c = image.channels
        var out = [UInt8](repeating: 0, count: width * height * c)
        let sx = Double(image.width) / Double(width), sy = Double(image.height) / Double(height)
        for y in 0..<height {
            let fy = max(0, min(Double(image.height - 1), (Double(y) + 0.5) * sy - 0.5))
            let y0 = Int(fy), y1 = min(y0 + 1, image.height - 1), wy = fy - Double(y0)
            for x in 0..<width {
                let fx = max(0, min(Double(image.width - 1), (Double(x) + 0.5) * sx - 0.5))
                let x0 = Int(fx), x1 = min(x0 + 1, image.width - 1), wx = fx - Double(x0)
                for k in 0..<c {
                    func p(_ xx: Int, _ yy: Int) -> Double { Double(image.pixels[(yy * image.width + xx) * c + k]) }
                    let v = (p(x0, y0) * (1 - wx) + p(x1, y0) * wx) * (1 - wy) + (p(x0, y1) * (1 - wx) + p(x1, y1) * wx) * wy
                    out[(y * width + x) * c + k] = UInt8(max(0, min(255, v.rounded())))
                }
            }
        }
        return PixelImage(width: width, height: height, channels: c, pixels: out)
    }

    /// Nearest-neighbour resize of a one-byte-per-pixel mask (keeps it binary).
    public static func nearest(_ mask: [UInt8], width: Int, height: Int, toWidth w: Int, height h: Int) -> [UInt8] {
        if width == w && height == h { return mask }
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            let sy = min(height - 1, Int((Double(y) + 0.5) * Double(height) / Double(h)))
            for x in 0..<w {
                let sx = min(width - 1, Int((Double(x) + 0.5) * Double(width) / Double(w)))
                out[y * w + x] = mask[sy * width + sx]
            }
        }
        return out
    }
}

/// Per-channel normalisation `(v / 255 - mean[c]) / std[c]`.
public struct Normalization: Equatable, Sendable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) { self.mean = mean; self.std = std }

    /// ImageNet statistics (RGB), as used by the Swin/ResNet backbones of LAVT and FIANet.
    public static let imageNet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// `v / 255` only.
    public static let unit = Normalization(mean: [0, 0, 0], std: [1, 1, 1])

    /// An RGB `HWC` image as normalised planar `CHW` floats (`3 * H * W`).
    public func chw(_ image: PixelImage) -> [Float] {
        precondition(image.channels == 3, "Normalization.chw expects RGB")
        let n = image.width * image.height
        var out = [Float](repeating: 0, count: 3 * n)
        for c in 0..<3 {
            let scale = 1 / (255 * std[c]), shift = mean[c] / std[c]
            for i in 0..<n { out[c * n + i] = Float(image.pixels[i * 3 + c]) * scale - shift }
        }
        return out
    }
}
