/// Canonical JSON text: the form that is hashed into run keys.
///
/// Rules: object keys sorted by their UTF-8 bytes; no whitespace; integers in decimal; non-integer numbers
/// in Swift's shortest round-trip form (`0.001`, `1e-05`, `2.0`), so `1e-3` and `0.001` in a spec give the
/// same text; strings escaped per RFC 8259 (`"`, `\`, control characters as `\u00XX`, except `\n`, `\t`, …).
public enum CanonicalJSON {
    /// Renders `value`; `sortKeys: false` keeps the stored key order (for messages).
    public static func render(_ value: JSONValue, sortKeys: Bool = true) -> String {
        var out = ""
        write(value, sortKeys: sortKeys, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, sortKeys: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): out += quote(s)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, sortKeys: sortKeys, into: &out)
            }
            out += "]"
        case .object(let pairs):
            let ordered = sortKeys ? pairs.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) } : pairs
            out += "{"
            for (i, pair) in ordered.enumerated() {
                if i > 0 { out += "," }
                out += quote(pair.key) + ":"
                write(pair.value, sortKeys: sortKeys, into: &out)
            }
            out += "}"
        }
    }

    /// Shortest round-trip text of a finite double; non-finite values (which JSON cannot hold) as `null`.
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == 0 { return "0.0" }   // folds -0.0 into 0.0
        return d.description
    }

    /// `s` as a JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
