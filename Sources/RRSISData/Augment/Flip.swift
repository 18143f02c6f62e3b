/// Random flips applied at batch time, rewriting position words (see `PositionWords`).
public struct FlipAugmentation: Equatable, Sendable {
    /// Probability of a horizontal (left↔right) flip per sample.
    public var horizontal: Double
    /// Probability of a vertical (top↔bottom) flip per sample.
    public var vertical: Double

    public init(horizontal: Double = 0, vertical: Double = 0) { self.horizontal = horizontal; self.vertical = vertical }
    /// No flips (evaluation).
    public static let none = FlipAugmentation()
    /// Each flip with probability ½ (training).
    public static let standard = FlipAugmentation(horizontal: 0.5, vertical: 0.5)
}

/// In-place flips of planar float buffers.
enum PlaneFlip {
    /// Reverses each row of `planes` planes of `height × width` starting at `offset`.
    static func horizontal(_ p: UnsafeMutablePointer<Float>, planes: Int, height: Int, width: Int) {
        for r in 0..<(planes * height) {
            var a = p + r * width, b = a + width - 1
            while a < b { swap(&a.pointee, &b.pointee); a += 1; b -= 1 }
        }
    }

    /// Reverses the row order of each plane.
    static func vertical(_ p: UnsafeMutablePointer<Float>, planes: Int, height: Int, width: Int) {
        for plane in 0..<planes {
            let base = p + plane * height * width
            for y in 0..<(height / 2) {
                let a = base + y * width, b = base + (height - 1 - y) * width
                for x in 0..<width { swap(&a[x], &b[x]) }
            }
        }
    }
}

extension PixelImage {
    /// The image mirrored across `axis` (for tests and for augmenting raw samples).
    public func flipped(_ axis: FlipAxis) -> PixelImage {
        var out = self
        for y in 0..<height {
            for x in 0..<width {
                let (sx, sy) = axis == .horizontal ? (width - 1 - x, y) : (x, height - 1 - y)
                for c in 0..<channels { out.pixels[(y * width + x) * channels + c] = pixels[(sy * width + sx) * channels + c] }
            }
        }
        return out
    }
}

extension RRSISSample {
    /// The sample mirrored across `axis`: image, mask, and the expression's position words.
    public func flipped(_ axis: FlipAxis) -> RRSISSample {
        let w = image.width, h = image.height
        var m = mask
        for y in 0..<h {
            for x in 0..<w {
                let (sx, sy) = axis == .horizontal ? (w - 1 - x, y) : (x, h - 1 - y)
                m[y * w + x] = mask[sy * w + sx]
            }
        }
        return RRSISSample(id: id, image: image.flipped(axis), mask: m,
                           expression: PositionWords.flip(text: expression, axis: axis), split: split, tags: tags)
    }
}
