import Foundation

/// A minimal protocol-buffers encoder for the few messages TensorBoard reads (`Event`, `Summary`, the hparams
/// plugin's data): fields are appended in the order written, as the wire format allows.
///
/// Wire types used: 0 (varint: `int32`/`int64`/`bool`/enums), 1 (64-bit: `double`), 2 (length-delimited:
/// `string`, `bytes`, embedded messages), 5 (32-bit: `float`). Negative `int64`s take ten bytes (two's
/// complement as an unsigned varint), as protoc's encoders write them. A field equal to its proto3 default
/// is written anyway when the caller asks; the decoders read it as the same value.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// The encoded message.
    var data: Data { Data(bytes) }

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, wireType: 0)
        appendVarint(value)
    }

    mutating func int64(_ field: Int, _ value: Int64) { varint(field, UInt64(bitPattern: value)) }

    mutating func bool(_ field: Int, _ value: Bool) { varint(field, value ? 1 : 0) }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        appendLittleEndian(value.bitPattern, count: 8)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        appendLittleEndian(UInt64(value.bitPattern), count: 4)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    /// An embedded message, built by `body` into a writer of its own.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        precondition(field >= 1, "ProtobufWriter: field numbers start at 1 (got \(field))")
        appendVarint(UInt64(field) << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func appendLittleEndian(_ value: UInt64, count: Int) {
        for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
