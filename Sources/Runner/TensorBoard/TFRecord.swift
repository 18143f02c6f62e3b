import Foundation

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord files checksum their records.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// The checksum of `bytes` (`checksum("123456789") == 0xE3069283`, the standard check value).
    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masked form, which keeps a CRC stored inside checksummed data from being self-similar:
    /// rotate right by 15 bits, add 0xa282ead8.
    static func masked<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// TFRecord framing, the container of TensorBoard event files: per record, the data length (uint64,
/// little-endian), the masked CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data.
enum TFRecord {
    static func frame(_ record: Data) -> Data {
        var length: [UInt8] = []
        for i in 0..<8 { length.append(UInt8(truncatingIfNeeded: UInt64(record.count) >> (8 * UInt64(i)))) }
        var out = Data(length)
        out += littleEndian(CRC32C.masked(length))
        out += record
        out += littleEndian(CRC32C.masked(record))
        return out
    }

    private static func littleEndian(_ v: UInt32) -> Data {
        Data([UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24)])
    }
}
