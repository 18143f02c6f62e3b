/// An 8-bit raster image, row-major with interleaved channels (`HWC`): the sample of channel `c` at
/// row `y`, column `x` is `pixels[(y * width + x) * channels + c]`.
///
/// `channels` is 1 (gray), 3 (RGB) or 4 (RGBA).
public struct PixelImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    /// Wraps `pixels` (count must be `width * height * channels`).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels,
                     "PixelImage: \(pixels.count) samples for \(width)x\(height)x\(channels)")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// A black (all-zero) image.
    public init(width: Int, height: Int, channels: Int) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: 0, count: width * height * channels))
    }

    /// The image as 3-channel RGB: gray is replicated, alpha is dropped (not composited).
    public func rgb() -> PixelImage {
        if channels == 3 { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            if channels == 1 || channels == 2 {
                let g = pixels[i * channels]
                out[i * 3] = g; out[i * 3 + 1] = g; out[i * 3 + 2] = g
            } else {
                for c in 0..<3 { out[i * 3 + c] = pixels[i * channels + c] }
            }
        }
        return PixelImage(width: width, height: height, channels: 3, pixels: out)
    }

    /// A binary mask (one byte per pixel, 0 or 1) from this image's first channel.
    ///
    /// Both conventions are accepted: a mask whose largest value is 1 is taken as 0/1, anything else as
    /// 0/255 thresholded at 128 (so lossy-resaved masks still binarise cleanly).
    public func binaryMask() -> [UInt8] {
        var maxValue: UInt8 = 0
        for i in 0..<(width * height) { maxValue = max(maxValue, pixels[i * channels]) }
        let threshold: UInt8 = maxValue <= 1 ? 1 : 128
        return (0..<(width * height)).map { pixels[$0 * channels] >= threshold ? 1 : 0 }
    }
}

/// A 16-bit raster image, laid out like `PixelImage` (row-major `HWC`).
public struct PixelImage16: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var samples: [UInt16]
}
