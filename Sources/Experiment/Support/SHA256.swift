import CHash
import Declarations
import RRSISModels

/// SHA-256 (FIPS 180-4), self-contained so the harness needs no crypto library. Used for run keys,
/// config hashes and spec hashes — identities, not security.
public struct SHA256 {
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    /// Feeds more bytes.
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBufferPointer { update($0) }
    }

    /// Buffers partial blocks; whole blocks go to the C block function (`CHash`, optimised in every build).
    private mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var i = 0
        if !buffer.isEmpty {
            let take = Swift.min(64 - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<take])
            i = take
            guard buffer.count == 64 else { return }
            let block = buffer
            block.withUnsafeBufferPointer { compress($0.baseAddress!, blocks: 1) }
            buffer.removeAll(keepingCapacity: true)
        }
        let whole = (bytes.count - i) / 64
        if whole > 0, let base = bytes.baseAddress {
            compress(base + i, blocks: whole)
            i += 64 * whole
        }
        buffer.append(contentsOf: bytes[i...])
    }

    /// The 32-byte digest of everything fed so far.
    public func finalize() -> [UInt8] {
        var copy = self
        let bitLength = length &* 8
        // Padding: 0x80, zeros up to 56 mod 64, then the bit length big-endian (one or two blocks).
        var tail = [UInt8](repeating: 0, count: buffer.count < 56 ? 64 : 128)
        for (i, b) in buffer.enumerated() { tail[i] = b }
        tail[buffer.count] = 0x80
        for i in 0..<8 { tail[tail.count - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
        tail.withUnsafeBufferPointer { copy.compress($0.baseAddress!, blocks: $0.count / 64) }
        var digest = [UInt8](repeating: 0, count: 32)
        for (i, word) in copy.h.enumerated() {
            digest[4 * i] = UInt8(truncatingIfNeeded: word >> 24); digest[4 * i + 1] = UInt8(truncatingIfNeeded: word >> 16)
            digest[4 * i + 2] = UInt8(truncatingIfNeeded: word >> 8); digest[4 * i + 3] = UInt8(truncatingIfNeeded: word)
        }
        return digest
    }

    private mutating func compress(_ blocks: UnsafePointer<UInt8>, blocks count: Int) {
        h.withUnsafeMutableBufferPointer { fia_sha256_blocks($0.baseAddress!, blocks, count) }
    }

    /// Lower-case hex digest of `bytes`.
    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex digest of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}
