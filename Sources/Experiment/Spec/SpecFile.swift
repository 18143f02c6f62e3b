import Declarations
import Foundation
import RRSISModels

/// Reading a spec file's text, with a message for each way a path can fail to be one: a folder, a FIFO
/// or device (which would block or never end), a file too large to be a spec, unreadable bytes, text
/// that is not UTF-8. Foundation's own messages ("The file isn't in the correct format", "You don't have
/// permission") name neither the cause nor the fix.
enum SpecFile {
    /// Largest spec file read: real specs are a few kilobytes; a 10,000-variant grid is well under this.
    static let maximumBytes = 16 << 20

    /// The UTF-8 text of the spec file at `path` (as the user named it; `absolute` is where it is on disk).
    /// - Throws: a `SpecIssue` (path empty: the whole file) saying what was expected and what was found.
    static func read(_ path: String, at absolute: String) throws -> String {
        var info = stat()
        guard stat(absolute, &info) == 0 else {
            throw SpecIssue(path: "", .unreadable(path: path, reason: String(cString: strerror(errno))))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw SpecIssue(path: "", .notASpecFile(path: path, found: "a folder"))
        case S_IFIFO: throw SpecIssue(path: "", .notASpecFile(path: path, found: "a named pipe (FIFO)"))
        case S_IFCHR, S_IFBLK: throw SpecIssue(path: "", .notASpecFile(path: path, found: "a device"))
        case S_IFSOCK: throw SpecIssue(path: "", .notASpecFile(path: path, found: "a socket"))
        default: throw SpecIssue(path: "", .notASpecFile(path: path, found: "something other than a regular file"))
        }
        guard info.st_size <= maximumBytes else {
            throw SpecIssue(path: "", .tooLarge(what: "\"\(path)\"", limit: "\(info.st_size) bytes, and a spec may have at most \(maximumBytes) (16 MiB)"))
        }
        let fd = open(absolute, O_RDONLY)
        guard fd >= 0 else { throw SpecIssue(path: "", .unreadable(path: path, reason: String(cString: strerror(errno)))) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw SpecIssue(path: "", .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error)"))
        }
        guard data.count <= maximumBytes else {
            throw SpecIssue(path: "", .tooLarge(what: "\"\(path)\"", limit: "it has more than \(maximumBytes) bytes (16 MiB)"))
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a UTF-8 byte-order mark (some editors write one)
        if let offset = firstInvalidUTF8(bytes) {
            let (line, column) = position(of: offset, in: bytes)
            throw SpecIssue(path: "", .notUTF8(path: path, byte: bytes[offset], offset: offset, line: line, column: column))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): consumed += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return min(consumed, bytes.count - 1)
            }
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for b in bytes[..<offset] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}
