/// Resolved parameters of one component (or section): every declared parameter present, typed as
/// declared, defaults filled in. Builders read them through the typed getters.
public struct ComponentParams: Hashable, Sendable {
    /// Parameter name → value.
    public private(set) var values: [String: ParameterValue]
    /// Who owns these parameters, for error messages ("alignment fiam", "train").
    public var owner: String

    public init(_ values: [String: ParameterValue], owner: String) {
        self.values = values; self.owner = owner
    }

    /// Values as a JSON object with sorted keys (canonical form).
    public var json: JSONValue {
        .object(values.keys.sorted().map { ($0, values[$0]!.json) })
    }

    private func value(_ name: String) throws -> ParameterValue {
        guard let v = values[name] else {
            throw RegistryError.missingParameter(owner: owner, name: name, available: values.keys.sorted())
        }
        return v
    }

    private func mismatch(_ name: String, _ wanted: String) -> RegistryError {
        .parameterType(owner: owner, name: name, requested: wanted, actual: values[name]?.description ?? "nothing")
    }

    /// The boolean parameter `name`.
    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = try value(name) else { throw mismatch(name, "a boolean") }
        return b
    }
    /// The integer parameter `name`.
    public func int(_ name: String) throws -> Int {
        guard case .int(let i) = try value(name) else { throw mismatch(name, "an integer") }
        return i
    }
    /// The numeric parameter `name` (integer parameters convert).
    public func double(_ name: String) throws -> Double {
        switch try value(name) {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw mismatch(name, "a number")
        }
    }
    /// The string (or choice) parameter `name`.
    public func string(_ name: String) throws -> String {
        guard case .string(let s) = try value(name) else { throw mismatch(name, "a string") }
        return s
    }
    /// The choice parameter `name` as the closed set `T` whose raw values its declaration lists.
    public func choice<T: RawRepresentable>(_ name: String, of type: T.Type) throws -> T where T.RawValue == String {
        let s = try string(name)
        guard let value = T(rawValue: s) else { throw mismatch(name, "one of \(T.self)'s values") }
        return value
    }
    /// The integer-list parameter `name`.
    public func ints(_ name: String) throws -> [Int] {
        guard case .intList(let l) = try value(name) else { throw mismatch(name, "a list of integers") }
        return l
    }

    /// Validates a JSON object against `parameters` and fills in defaults.
    ///
    /// Reports every problem (unknown keys with a suggestion, missing required parameters, wrong types,
    /// out-of-range values) at `path.<name>`. Missing or `null` `json` means "all defaults".
    /// - Returns: the resolved parameters (invalid ones left out) and the problems found.
    public static func resolve(_ json: JSONValue?, against parameters: [ParameterSpec], at path: String,
                               owner: String) -> (ComponentParams, [SpecIssue]) {
        var issues: [SpecIssue] = []
        var values: [String: ParameterValue] = [:]
        let given: [(key: String, value: JSONValue)]
        switch json {
        case nil, .null?: given = []
        case .object(let pairs)?: given = pairs
        case let other?:
            return (ComponentParams([:], owner: owner),
                    [SpecIssue(path: path, .wrongType(expected: "an object of parameters", found: other.typeDescription, value: other.jsonText))])
        }
        let names = parameters.map(\.name)
        for (key, _) in given where !names.contains(key) {
            issues.append(SpecIssue(path: join(path, key), .unknownKey(key: key, section: owner, allowed: names,
                                                                     suggestion: Suggestion.closest(to: key, in: names))))
        }
        for p in parameters {
            if let v = given.first(where: { $0.key == p.name })?.value {
                switch p.convert(v) {
                case .success(let value): values[p.name] = value
                case .failure(let problem): issues.append(SpecIssue(path: join(path, p.name), problem))
                }
            } else if let d = p.defaultValue {
                values[p.name] = d
            } else {
                issues.append(SpecIssue(path: join(path, p.name), .missingKey(key: p.name, expected: p.type.expectation + " (" + p.doc + ")")))
            }
        }
        return (ComponentParams(values, owner: owner), issues)
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

/// Programmer-facing errors of the registry: a builder asked for a parameter its declaration lacks, or a
/// model names a component no catalogue lists. Rendered as sentences naming the component.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    case missingParameter(owner: String, name: String, available: [String])
    case parameterType(owner: String, name: String, requested: String, actual: String)
    /// A model names a component the catalogue building it does not list.
    case unregistered(slot: ComponentSlot, name: String, registered: [String])
    /// A model was built from parameters that break a declared rule (the spec validator rejects such specs).
    case brokenConstraint(slot: ComponentSlot, name: String, rule: String, found: String)

    public var description: String {
        switch self {
        case let .missingParameter(owner, name, available):
            return "\(owner) has no parameter \"\(name)\"; its declaration lists: \(available.joined(separator: ", ")). Add it to the component's declaration (beside its module in RRSISModels)."
        case let .parameterType(owner, name, requested, actual):
            return "\(owner): parameter \"\(name)\" was read as \(requested) but holds \(actual); make the builder use the declared type."
        case let .unregistered(slot, name, registered):
            return "No \(slot.rawValue) component \"\(name)\" is registered (registered: \(registered.joined(separator: ", "))); add it to ModelCatalog.standard's list."
        case let .brokenConstraint(slot, name, rule, found):
            return "Cannot build \(slot.rawValue) \(name): \(found), but \(rule). Nothing was built; validate the spec (`ablate plan`) to see every such problem."
        }
    }
}
