import Foundation

/// Every failure `RRSISData` reports on user input: a typed value that renders as a sentence naming the
/// file (and line, where there is one), what was found and what was expected.
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case missingFile(path: String)
    /// The file exists but does not start with the PNG signature.
    case notPNG(path: String)
    /// The file ends before the image data is complete.
    case truncated(path: String, detail: String)
    /// The file is damaged (CRC error, bad chunk, invalid compressed stream …).
    case corrupt(path: String, detail: String)
    /// libtiff could not open or decode the file.
    case tiff(path: String, detail: String)
    /// The image decoded, but its format is not one we can use (e.g. 16-bit RGBA asked as 8-bit mask).
    case unsupportedFormat(path: String, detail: String)
    /// Writing a file failed.
    case writeFailed(path: String, detail: String)
    /// A record of a text/JSON file could not be parsed.
    case malformedRecord(path: String, line: Int, detail: String)
    /// A configuration value is out of range.
    case invalidParameter(name: String, value: String, expected: String)
    /// Image and mask sizes disagree.
    case sizeMismatch(path: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .missingFile(let p):
            return "\(p): file not found or not readable; check the path and the dataset root."
        case .notPNG(let p):
            return "\(p): not a PNG file (the first 8 bytes are not the PNG signature)."
        case .truncated(let p, let d):
            return "\(p): the PNG file is truncated (\(d)); re-copy or re-export it."
        case .corrupt(let p, let d):
            return "\(p): the image file is corrupt (\(d))."
        case .tiff(let p, let d):
            return "\(p): libtiff could not read the TIFF (\(d))."
        case .unsupportedFormat(let p, let d):
            return "\(p): unsupported image format: \(d)."
        case .writeFailed(let p, let d):
            return "\(p): could not write the file (\(d))."
        case .malformedRecord(let p, let l, let d):
            return "\(p):\(l): malformed record: \(d)."
        case .invalidParameter(let n, let v, let e):
            return "parameter \(n) = \(v) is invalid; expected \(e)."
        case .sizeMismatch(let p, let e, let f):
            return "\(p): image size \(f) does not match the expected \(e)."
        }
    }
}

extension DataError: LocalizedError {
    public var errorDescription: String? { description }
}
