import CPNG
import Foundation

/// PNG read/write through libpng's simplified `png_image_*` API.
///
/// libpng handles every PNG flavour for us: palette, bit depths 1–16, Adam7 interlacing, tRNS. Its
/// `setjmp`-based error handling is internal to the simplified API, so a damaged file returns an error
/// code and a message and never unwinds through Swift frames.
public enum PNGCodec {
    // PNG_FORMAT_* and PNG_IMAGE_VERSION are function-like/derived macros that Swift does not import;
    // these are their values from png.h (libpng 1.6).
    static let imageVersion: png_uint_32 = 1      // PNG_IMAGE_VERSION
    static let flagAlpha: png_uint_32 = 0x01      // PNG_FORMAT_FLAG_ALPHA
    static let flagColor: png_uint_32 = 0x02      // PNG_FORMAT_FLAG_COLOR
    static let flagLinear: png_uint_32 = 0x04     // PNG_FORMAT_FLAG_LINEAR (16-bit linear samples)
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads a PNG as 8-bit samples, keeping its channel layout: 1 (gray), 2 (gray+alpha), 3 (RGB),
    /// 4 (RGBA). Palette images expand to RGB(A); images with fewer than 8 bits per sample scale up
    /// (1-bit 0/1 → 0/255).
    ///
    /// 16-bit files are read as raw 16-bit values and scaled to 8 bits by `round(v * 255 / 65535)`,
    /// not gamma-encoded as libpng would do by default (so a 16-bit mask or DEM keeps its values'
    /// proportions). 16-bit files with alpha come back premultiplied (libpng's linear convention).
    /// - Throws: `DataError.missingFile`, `.notPNG`, `.truncated`, `.corrupt` naming `url`'s path.
    public static func read(_ url: URL) throws -> PixelImage {
        let decoded = try decode(url)
        switch decoded {
        case .eight(let image): return image
        case .sixteen(let wide):
            let pixels = wide.samples.map { UInt8((UInt32($0) * 255 + 32767) / 65535) }
            return PixelImage(width: wide.width, height: wide.height, channels: wide.channels, pixels: pixels)
        }
    }

    /// Reads a PNG as 16-bit samples. 16-bit files return their stored values unchanged; 8-bit files are
    /// widened by `v * 257` (so 255 → 65535).
    public static func read16(_ url: URL) throws -> PixelImage16 {
        switch try decode(url) {
        case .sixteen(let wide): return wide
        case .eight(let image):
            return PixelImage16(width: image.width, height: image.height, channels: image.channels,
                                samples: image.pixels.map { UInt16($0) * 257 })
        }
    }

    /// Reads a PNG as a binary mask, one byte per pixel, 0 or 1 (see `PixelImage.binaryMask()` for the
    /// 0/1 vs 0/255 convention).
    public static func readMask(_ url: URL) throws -> (width: Int, height: Int, mask: [UInt8]) {
        let image = try read(url)
        return (image.width, image.height, image.binaryMask())
    }

    /// Writes an 8-bit PNG with `image.channels` 1, 2, 3 or 4, replacing any existing file atomically.
    public static func write(_ image: PixelImage, to url: URL) throws {
        let data = try encode(image, path: url.path)
        do { try data.write(to: url, options: .atomic) } catch {
            throw DataError.writeFailed(path: url.path, detail: error.localizedDescription)
        }
    }

    /// Writes a 0/1 mask as an 8-bit gray PNG with values 0/255 (viewable, and readable back by
    /// `readMask`).
    public static func writeMask(_ mask: [UInt8], width: Int, height: Int, to url: URL) throws {
        let pixels = mask.map { $0 == 0 ? UInt8(0) : 255 }
        try write(PixelImage(width: width, height: height, channels: 1, pixels: pixels), to: url)
    }

    /// Encodes `image` as PNG bytes.
    public static func encode(_ image: PixelImage, path: String = "<memory>") throws -> Data {
        guard (1...4).contains(image.channels) else {
            throw DataError.unsupportedFormat(path: path, detail: "\(image.channels) channels (expected 1–4)")
        }
        var header = png_image()
        header.version = imageVersion
        header.width = png_uint_32(image.width)
        header.height = png_uint_32(image.height)
        header.format = formatFlags(channels: image.channels)
        var size: png_alloc_size_t = 0
        return try image.pixels.withUnsafeBufferPointer { src -> Data in
            // First call measures, second writes (the documented two-pass use of write_to_memory).
            guard png_image_write_to_memory(&header, nil, &size, 0, src.baseAddress, 0, nil) != 0 else {
                throw DataError.writeFailed(path: path, detail: message(of: header))
            }
            var data = Data(count: Int(size))
            let ok = data.withUnsafeMutableBytes { dst in
                png_image_write_to_memory(&header, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw DataError.writeFailed(path: path, detail: message(of: header)) }
            return data.prefix(Int(size))
        }
    }

    // MARK: - Decoding

    enum Decoded { case eight(PixelImage), sixteen(PixelImage16) }

    static func formatFlags(channels: Int) -> png_uint_32 {
        switch channels {
        case 1: return 0
        case 2: return flagAlpha
        case 3: return flagColor
        default: return flagColor | flagAlpha
        }
    }

    static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func decode(_ url: URL) throws -> Decoded {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.missingFile(path: path)
        }
        guard data.count >= 8, Array(data.prefix(8)) == signature else { throw DataError.notPNG(path: path) }
        return try data.withUnsafeBytes { raw -> Decoded in
            var header = png_image()
            header.version = imageVersion
            guard png_image_begin_read_from_memory(&header, raw.baseAddress, raw.count) != 0 else {
                throw classify(message(of: header), path: path)
            }
            let native = header.format
            let wide = native & flagLinear != 0   // 16-bit file: read raw 16-bit samples
            let channels = (native & flagColor != 0 ? 3 : 1) + (native & flagAlpha != 0 ? 1 : 0)
            header.format = formatFlags(channels: channels) | (wide ? flagLinear : 0)
            let width = Int(header.width), height = Int(header.height)
            let count = width * height * channels
            if wide {
                var samples = [UInt16](repeating: 0, count: count)
                let ok = samples.withUnsafeMutableBytes { png_image_finish_read(&header, nil, $0.baseAddress, 0, nil) }
                guard ok != 0 else { throw classify(message(of: header), path: path) }
                return .sixteen(PixelImage16(width: width, height: height, channels: channels, samples: samples))
            }
            var pixels = [UInt8](repeating: 0, count: count)
            let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&header, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw classify(message(of: header), path: path) }
            return .eight(PixelImage(width: width, height: height, channels: channels, pixels: pixels))
        }
    }

    /// Maps libpng's message to a cause. Reading from memory, running out of bytes is reported as a
    /// read past the end of the data; everything else (CRC, bad chunk, bad zlib stream) is corruption.
    static func classify(_ message: String, path: String) -> DataError {
        let lower = message.lowercased()
        if lower.contains("end of data") || lower.contains("not enough") || lower.contains("truncat")
            || lower.contains("read error") || lower.contains("too short") {
            return .truncated(path: path, detail: message.isEmpty ? "unexpected end of file" : message)
        }
        return .corrupt(path: path, detail: message.isEmpty ? "libpng gave no reason" : message)
    }
}
