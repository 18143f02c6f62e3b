/// The declared type of a parameter, with its admissible values.
public enum ParameterType: Equatable, Sendable {
    case bool
    /// An integer, optionally bounded (inclusive).
    case int(ClosedRange<Int>?)
    /// A number (integers accepted), optionally bounded (inclusive).
    case double(ClosedRange<Double>?)
    /// One of a fixed set of strings.
    case choice([String])
    /// Free text (e.g. a dataset path).
    case string
    /// A list of integers, optionally of a fixed length, each optionally bounded.
    case intList(count: Int?, element: ClosedRange<Int>?)

    /// What a valid value looks like, as a phrase: "an integer in 1…4", "one of: best-val, last".
    public var expectation: String {
        switch self {
        case .bool: return "true or false"
        case .int(let r): return "an integer" + (r.map { " " + Self.range($0) } ?? "")
        case .double(let r): return "a number" + (r.map { " " + Self.range($0) } ?? "")
        case .choice(let values): return "one of: " + values.joined(separator: ", ")
        case .string: return "a string"
        case let .intList(count, element):
            return "a list of " + (count.map { "\($0) " } ?? "") + "integers"
                + (element.map { " each " + Self.range($0) } ?? "")
        }
    }

    /// `in 1…4`, or `≥ 0` for a range open above.
    static func range(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? "≥ \(r.lowerBound)" : "in \(r.lowerBound)…\(r.upperBound)"
    }

    static func range(_ r: ClosedRange<Double>) -> String {
        r.upperBound == .infinity ? "≥ \(CanonicalJSON.number(r.lowerBound))"
            : "in \(CanonicalJSON.number(r.lowerBound))…\(CanonicalJSON.number(r.upperBound))"
    }
}

/// A resolved parameter value, typed as declared.
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case intList([Int])

    /// The value as JSON (canonical numbers: a `double` parameter given as `1` becomes `1.0`).
    public var json: JSONValue {
        switch self {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .intList(let l): return .array(l.map { .int($0) })
        }
    }

    /// Canonical JSON text of the value (`true`, `4`, `0.001`, `"fiam"`, `[2,2,6,2]`).
    public var description: String { CanonicalJSON.render(json) }
}

/// A declared parameter of a component (or of the dataset, recipe or report sections): name, type,
/// default, admissible values and a one-line doc. Declarations drive validation, `ablate list` and the
/// error messages alike.
public struct ParameterSpec: Equatable, Sendable {
    public var name: String
    public var type: ParameterType
    /// `nil` makes the parameter required.
    public var defaultValue: ParameterValue?
    public var doc: String

    public init(name: String, type: ParameterType, defaultValue: ParameterValue?, doc: String) {
        self.name = name; self.type = type; self.defaultValue = defaultValue; self.doc = doc
    }

    /// A boolean flag.
    public static func bool(_ name: String, default value: Bool, doc: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .bool, defaultValue: .bool(value), doc: doc)
    }
    /// An integer; `default: nil` makes it required.
    public static func int(_ name: String, default value: Int?, range: ClosedRange<Int>? = nil, doc: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .int(range), defaultValue: value.map { .int($0) }, doc: doc)
    }
    /// A real number; `default: nil` makes it required.
    public static func double(_ name: String, default value: Double?, range: ClosedRange<Double>? = nil, doc: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .double(range), defaultValue: value.map { .double($0) }, doc: doc)
    }
    /// One string out of `choices`.
    public static func choice(_ name: String, _ choices: [String], default value: String, doc: String) -> ParameterSpec {
        precondition(choices.contains(value), "ParameterSpec \(name): default \(value) is not among its choices")
        return ParameterSpec(name: name, type: .choice(choices), defaultValue: .string(value), doc: doc)
    }
    /// Free text; `default: nil` makes it required.
    public static func string(_ name: String, default value: String?, doc: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .string, defaultValue: value.map { .string($0) }, doc: doc)
    }
    /// A list of integers (e.g. per-stage widths).
    public static func intList(_ name: String, default value: [Int], count: Int? = nil, range: ClosedRange<Int>? = nil,
                               doc: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .intList(count: count, element: range), defaultValue: .intList(value), doc: doc)
    }

    /// Converts a JSON value to this parameter's type, or says why it cannot.
    public func convert(_ json: JSONValue) -> Result<ParameterValue, SpecProblem> {
        let wrongType = SpecProblem.wrongType(expected: type.expectation, found: json.typeDescription, value: json.jsonText)
        switch (type, json) {
        case (.bool, .bool(let b)): return .success(.bool(b))
        case (.int(let r), .int(let i)):
            if let r, !r.contains(i) { return .failure(.outOfRange(value: String(i), allowed: type.expectation)) }
            return .success(.int(i))
        case (.double(let r), .int(let i)): return checkDouble(Double(i), r)
        case (.double(let r), .double(let d)): return checkDouble(d, r)
        case (.choice(let values), .string(let s)):
            guard values.contains(s) else {
                return .failure(.unknownChoice(value: s, allowed: values, suggestion: Suggestion.closest(to: s, in: values)))
            }
            return .success(.string(s))
        case (.string, .string(let s)): return .success(.string(s))
        case let (.intList(count, element), .array(items)):
            var list: [Int] = []
            for item in items {
                guard case .int(let v) = item else { return .failure(wrongType) }
                if let element, !element.contains(v) { return .failure(.outOfRange(value: json.jsonText, allowed: type.expectation)) }
                list.append(v)
            }
            if let count, list.count != count { return .failure(.outOfRange(value: json.jsonText, allowed: type.expectation)) }
            return .success(.intList(list))
        default: return .failure(wrongType)
        }
    }

    private func checkDouble(_ d: Double, _ r: ClosedRange<Double>?) -> Result<ParameterValue, SpecProblem> {
        if let r, !r.contains(d) { return .failure(.outOfRange(value: CanonicalJSON.number(d), allowed: type.expectation)) }
        return .success(.double(d))
    }
}
