/// A JSON value as written in a spec file, with object keys kept in file order.
///
/// Integers and non-integers are kept apart (`1` is `.int`, `1.0` and `1e-3` are `.double`) so validation
/// can tell "expected an integer" from "expected a number"; parameters declared as numbers accept both.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Key/value pairs in file order; keys are unique (the parser rejects duplicates).
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value under `key` when `self` is an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The pairs of an object, or `nil` for any other value.
    public var objectPairs: [(key: String, value: JSONValue)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }

    /// A short name of the value's JSON type for error messages ("an integer", "a string", …).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text (keys in stored order), used to quote values in messages and as `--set` echo.
    public var jsonText: String { CanonicalJSON.render(self, sortKeys: false) }

    /// `self` with `key` set to `value` (appended when new), when `self` is an object.
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var pairs) = self else { return self }
        if let i = pairs.firstIndex(where: { $0.key == key }) { pairs[i].value = value } else { pairs.append((key, value)) }
        return .object(pairs)
    }

    /// `self` without `key`, when `self` is an object.
    public func removing(_ key: String) -> JSONValue {
        guard case .object(let pairs) = self else { return self }
        return .object(pairs.filter { $0.key != key })
    }

    /// Deep merge used by `extends`: objects merge key by key (recursively); any other value in
    /// `override` replaces the base value; an explicit `null` in `override` removes the key.
    public func merged(with override: JSONValue) -> JSONValue {
        guard case .object(let basePairs) = self, case .object(let overridePairs) = override else { return override }
        var result = JSONValue.object(basePairs)
        for (key, value) in overridePairs {
            if value == .null {
                result = result.removing(key)
            } else if let existing = result[key] {
                result = result.setting(key, to: existing.merged(with: value))
            } else {
                result = result.setting(key, to: value)
            }
        }
        return result
    }

    /// Every leaf (non-object value, including arrays) with its dotted path below `prefix`.
    public func leaves(prefix: String = "") -> [(path: String, value: JSONValue)] {
        guard case .object(let pairs) = self else { return [(prefix, self)] }
        if pairs.isEmpty { return [(prefix, self)] }
        return pairs.flatMap { $0.value.leaves(prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
    }
}
