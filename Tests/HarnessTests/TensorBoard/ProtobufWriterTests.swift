import Foundation
import Testing
@testable import Runner

/// The hand-written protobuf and TFRecord encoders against encodings worked out by hand from the wire-format
/// specification (protobuf.dev/programming-guides/encoding) and CRC-32C's published check value.
struct ProtobufWriterTests {
    @Test func varintsStringsAndNestedMessagesFollowTheWireFormat() {
        var w = ProtobufWriter()
        w.varint(1, 150)                      // the guide's example: key 0x08, 150 = 0x96 0x01
        w.string(2, "testing")                // key 0x12, length 7, UTF-8
        w.message(3) { $0.varint(1, 150) }    // key 0x1a, length 3, the embedded 08 96 01
        #expect(w.bytes == [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8) + [0x1a, 0x03, 0x08, 0x96, 0x01])
    }

    @Test func negativeInt64TakesTenBytesAndFixedWidthsAreLittleEndian() {
        var w = ProtobufWriter()
        w.int64(2, -1)
        #expect(w.bytes == [0x10] + Array(repeating: 0xff, count: 9) + [0x01])
        var d = ProtobufWriter()
        d.double(1, 1.0)                      // 0x3FF0000000000000, wire type 1
        #expect(d.bytes == [0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f])
        var f = ProtobufWriter()
        f.float(2, -2.0)                      // 0xC0000000, wire type 5
        #expect(f.bytes == [0x15, 0, 0, 0, 0xc0])
        var b = ProtobufWriter()
        b.bool(4, true)
        b.varint(20, 1)                       // field 20: key (20 << 3) = 160 needs two bytes
        #expect(b.bytes == [0x20, 0x01, 0xa0, 0x01, 0x01])
    }

    @Test func crc32cMatchesItsCheckValueAndTheMaskRotates() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // 32 zero bytes: 0x8A9136AA (RFC 3720, B.4). Masked: rotate right 15 → 0x6D551522, + 0xA282EAD8 = 0x0FD7FFFA.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.masked([UInt8](repeating: 0, count: 32)) == 0x0FD7_FFFA)
    }

    @Test func tfRecordFramesLengthDataAndTheirChecksums() {
        let record = Data([1, 2, 3])
        let framed = [UInt8](TFRecord.frame(record))
        #expect(framed.count == 8 + 4 + 3 + 4)
        #expect(Array(framed[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
        let lengthCRC = CRC32C.masked(framed[0..<8]), dataCRC = CRC32C.masked([UInt8](record))
        #expect(Array(framed[8..<12]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: lengthCRC >> $0) })
        #expect(Array(framed[12..<15]) == [1, 2, 3])
        #expect(Array(framed[15..<19]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: dataCRC >> $0) })
    }
}
