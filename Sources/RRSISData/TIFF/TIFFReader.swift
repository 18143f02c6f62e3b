import CTIFF
import Foundation

/// TIFF reading through libtiff, for RefSegRS (8-bit RGB images and gray masks) and GeoTIFF imagery.
///
/// libtiff reports problems through process-global handlers that print to stderr. We install handlers
/// that record the last message instead, and hold a lock around every read so the message belongs to
/// the file being read; the message then becomes part of the thrown `DataError.tiff`.
public enum TIFFReader {
    /// Reads a TIFF as 8-bit RGB (`channels == 3`) via `TIFFReadRGBAImageOriented` (top-left origin),
    /// which handles strips, tiles, palette, gray, 16-bit and most compressions. Alpha is dropped.
    /// - Throws: `DataError.missingFile` or `DataError.tiff` with libtiff's reason.
    public static func readRGB(_ url: URL) throws -> PixelImage {
        try read(url, channels: 3)
    }

    /// Reads a TIFF mask as 0/1 bytes, one per pixel, from its first (red or gray) channel; 0/1 and 0/255
    /// masks are both accepted (see `PixelImage.binaryMask()`).
    public static func readMask(_ url: URL) throws -> (width: Int, height: Int, mask: [UInt8]) {
        let image = try read(url, channels: 1)
        return (image.width, image.height, image.binaryMask())
    }

    /// Reads a TIFF as 8-bit gray (`channels == 1`, the red channel for colour files) or RGB (3).
    public static func read(_ url: URL, channels: Int) throws -> PixelImage {
        precondition(channels == 1 || channels == 3, "TIFFReader.read: channels must be 1 or 3")
        let path = url.path
        guard FileManager.default.isReadableFile(atPath: path) else { throw DataError.missingFile(path: path) }
        lock.lock(); defer { lock.unlock() }
        installHandlers()
        lastMessage = ""
        guard let tif = TIFFOpen(path, "r") else {
            throw DataError.tiff(path: path, detail: lastMessage.isEmpty ? "not a TIFF file" : lastMessage)
        }
        defer { TIFFClose(tif) }
        var w: UInt32 = 0, h: UInt32 = 0
        guard field(tif, UInt32(TIFFTAG_IMAGEWIDTH), &w), field(tif, UInt32(TIFFTAG_IMAGELENGTH), &h),
              w > 0, h > 0 else {
            throw DataError.tiff(path: path, detail: "missing image width/length tags")
        }
        let width = Int(w), height = Int(h)
        var raster = [UInt32](repeating: 0, count: width * height)
        let ok = raster.withUnsafeMutableBufferPointer {
            TIFFReadRGBAImageOriented(tif, w, h, $0.baseAddress, ORIENTATION_TOPLEFT, 0)
        }
        guard ok != 0 else {
            throw DataError.tiff(path: path, detail: lastMessage.isEmpty ? "could not decode the image data" : lastMessage)
        }
        // Raster words are ABGR packed: red in the low byte (TIFFGetR).
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for i in 0..<(width * height) {
            let v = raster[i]
            pixels[i * channels] = UInt8(v & 0xFF)
            if channels == 3 {
                pixels[i * 3 + 1] = UInt8((v >> 8) & 0xFF)
                pixels[i * 3 + 2] = UInt8((v >> 16) & 0xFF)
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// `TIFFGetField` is variadic (not imported into Swift); its `va_list` twin is.
    private static func field(_ tif: OpaquePointer, _ tag: UInt32, _ value: inout UInt32) -> Bool {
        withUnsafeMutablePointer(to: &value) { pointer in
            withVaList([pointer]) { TIFFVGetField(tif, tag, $0) } != 0
        }
    }

    // MARK: - libtiff message capture

    private static let lock = NSLock()
    nonisolated(unsafe) private static var lastMessage = ""
    nonisolated(unsafe) private static var installed = false

    private static func installHandlers() {
        guard !installed else { return }
        installed = true
        let handler: TIFFErrorHandler = { module, format, args in
            var buffer = [CChar](repeating: 0, count: 512)
            if let format, let args { _ = vsnprintf(&buffer, buffer.count, format, args) }
            let text = String(cString: buffer)
            let prefix = module.map { String(cString: $0) + ": " } ?? ""
            TIFFReader.record(prefix + text)
        }
        TIFFSetErrorHandler(handler)
        TIFFSetWarningHandler { _, _, _ in }   // warnings (unknown GeoTIFF tags …) are not failures
    }

    fileprivate static func record(_ message: String) {
        if lastMessage.isEmpty { lastMessage = message }
    }
}
