import Foundation

/// Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
///
///     [8 bytes: header length N, little-endian u64][N bytes: JSON header][raw little-endian tensor data]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`
/// (offsets relative to the start of the data) plus an optional `"__metadata__"` string→string map. We
/// write F32 only, names sorted, data packed in that order, and the header padded with spaces so the data
/// starts 8-byte aligned (the spec allows trailing spaces). We read F32, F16, BF16 and F64 (converted to
/// float32), so `safetensors.torch.save_file` output loads directly.
public enum SafeTensors {
    /// A decoded file: tensors by name (in file order) and the metadata map.
    public struct File {
        public var tensors: [(name: String, tensor: Tensor)]
        public var metadata: [String: String]

        /// The tensor called `name`, if present.
        public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }
    }

    /// Encodes tensors (names must be unique) and metadata into safetensors bytes.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws -> [UInt8] {
        var seen = Set<String>()
        for (name, t) in tensors {
            guard seen.insert(name).inserted else { throw CheckpointError.malformed("duplicate tensor name \"\(name)\"") }
            if let f = t.failure { throw CheckpointError.malformed("tensor \"\(name)\" is a failed tensor: \(f)") }
        }
        let sorted = tensors.sorted { $0.name < $1.name }
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, t) in sorted {
            let bytes = t.count * 4
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }

        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, t) in sorted {
            // float32 in memory is little-endian on every platform Swift runs FIABench on (x86-64, arm64).
            out.append(contentsOf: UnsafeRawBufferPointer(start: t.storage.pointer, count: t.count * 4))
        }
        return out
    }

    /// Decodes safetensors bytes. Errors name what is wrong (header length, JSON, dtype, offsets).
    public static func decode(_ bytes: [UInt8]) throws -> File {
        guard bytes.count >= 8 else { throw CheckpointError.malformed("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let n = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(bytes.count - 8) else {
            throw CheckpointError.malformed("header length \(n) exceeds the file's \(bytes.count - 8) remaining bytes")
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) }
        catch { throw CheckpointError.malformed("header is not valid JSON (\(error.localizedDescription))") }
        guard let header = json as? [String: Any] else { throw CheckpointError.malformed("header is not a JSON object") }

        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let m = meta as? [String: Any] else { throw CheckpointError.malformed("__metadata__ is not an object") }
            for (k, v) in m {
                guard let s = v as? String else { throw CheckpointError.malformed("__metadata__[\"\(k)\"] is not a string") }
                metadata[k] = s
            }
        }
        let dataCount = bytes.count - headerEnd
        var tensors: [(name: String, tensor: Tensor, begin: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeAny = info["shape"] as? [Any], let offsetsAny = info["data_offsets"] as? [Any] else {
                throw CheckpointError.malformed("entry \"\(name)\" needs dtype, shape and data_offsets")
            }
            let shape = try shapeAny.map { try integer($0, "shape of \"\(name)\"") }
            let offsets = try offsetsAny.map { try integer($0, "data_offsets of \"\(name)\"") }
            guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataCount,
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError.malformed("entry \"\(name)\": data_offsets \(offsets) or shape \(shape) out of range (data is \(dataCount) bytes)")
            }
            let count = shape.reduce(1, *)
            guard let width = elementSize[dtype] else {
                throw CheckpointError.malformed("entry \"\(name)\": dtype \(dtype) is not supported (float or integer types only)")
            }
            guard offsets[1] - offsets[0] == count * width else {
                throw CheckpointError.malformed("entry \"\(name)\": shape \(shape) of \(dtype) needs \(count * width) bytes, data_offsets span \(offsets[1] - offsets[0])")
            }
            let begin = headerEnd + offsets[0]
            let t = Tensor(shape: shape) { out in
                bytes.withUnsafeBytes { raw in convert(raw.baseAddress! + begin, dtype: dtype, count: count, into: out) }
            }
            tensors.append((name, t, offsets[0]))
        }
        // Dictionary order is arbitrary: present tensors in file (data) order, then by name.
        tensors.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        return File(tensors: tensors.map { ($0.name, $0.tensor) }, metadata: metadata)
    }

    /// Writes a file atomically (a temporary file renamed into place, so a kill leaves the old one intact).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        let bytes = try encode(tensors, metadata: metadata)
        try Data(bytes).write(to: url, options: .atomic)
    }

    /// Reads a file.
    public static func read(_ url: URL) throws -> File {
        let data: Data
        do { data = try Data(contentsOf: url) }
        catch { throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription) }
        do { return try decode([UInt8](data)) }
        catch let CheckpointError.malformed(detail) { throw CheckpointError.malformed("\(url.path): \(detail)") }
    }

    static let elementSize = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    private static func integer(_ v: Any, _ what: String) throws -> Int {
        if let i = v as? Int { return i }
        if let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded() { return n.intValue }
        throw CheckpointError.malformed("\(what) holds a non-integer \(v)")
    }

    /// Little-endian bytes of `dtype` → float32 (unaligned reads are fine: loadUnaligned).
    private static func convert(_ src: UnsafeRawPointer, dtype: String, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch dtype {
        case "F32":
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: count * 4)
        case "F64":
            for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        case "BF16":
            for i in 0..<count {
                let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = Float(bitPattern: UInt32(h) << 16)
            }
        case "F16":
            for i in 0..<count {
                let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                out[i] = halfToFloat(h)
            }
        case "I64":
            for i in 0..<count { out[i] = Float(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        case "I32":
            for i in 0..<count { out[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
        case "I16":
            for i in 0..<count { out[i] = Float(Int16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
        case "I8":
            for i in 0..<count { out[i] = Float(src.load(fromByteOffset: i, as: Int8.self)) }
        default: // U8, BOOL
            for i in 0..<count { out[i] = Float(src.load(fromByteOffset: i, as: UInt8.self)) }
        }
    }

    /// IEEE half → float (exact; subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let e = Int((h >> 10) & 0x1f), m = Float(h & 0x3ff)
        switch e {
        case 0: return sign * m * 0x1p-24
        case 31: return m == 0 ? sign * .infinity : .nan
        default: return sign * (1 + m / 1024) * Float(sign: .plus, exponent: e - 15, significand: 1)
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
