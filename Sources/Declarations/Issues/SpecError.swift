/// What is wrong at one place in a spec. Each case carries what a researcher needs to fix it.
public enum SpecProblem: Error, Equatable, Sendable {
    case syntax(line: Int, column: Int, message: String)
    case fileNotFound(path: String, suggestion: String?)
    case unreadable(path: String, reason: String)
    case unknownKey(key: String, section: String, allowed: [String], suggestion: String?)
    case missingKey(key: String, expected: String)
    case wrongType(expected: String, found: String, value: String)
    case outOfRange(value: String, allowed: String)
    case unknownChoice(value: String, allowed: [String], suggestion: String?)
    case unknownComponent(slot: ComponentSlot, name: String, allowed: [String], suggestion: String?)
    case extendsCycle(chain: [String])
    case pathEscapes(path: String, root: String)
    case duplicate(what: String, value: String)
    case unknownBaseline(name: String, cells: [String], suggestion: String?)
    case noVariants(reason: String)
    case invalidOverride(text: String, reason: String)
    case invalidName(String)
    /// A declared rule between parameters is broken: the keys (full spec paths), the rule, what was found,
    /// and the variant whose model breaks it (`nil` for the base model).
    case constraint(keys: [String], rule: String, found: String, variant: String?)
    /// A file or text is too big or too deeply nested to be a spec.
    case tooLarge(what: String, limit: String)
    /// The spec path names a folder, FIFO or device.
    case notASpecFile(path: String, found: String)
    /// The file is not UTF-8 text: the first bad byte and where it is.
    case notUTF8(path: String, byte: UInt8, offset: Int, line: Int, column: Int)
}

/// One problem located in a spec: the file it concerns, the JSON path (`train.epochs`, `seeds[1]`,
/// `variants.rows[2].model.alignment`) and, when the value did not come from that file, where it did.
public struct SpecIssue: Equatable, Sendable, CustomStringConvertible {
    /// The spec file the problem concerns (as the user named it); filled in by the loader.
    public var file: String
    /// JSON path of the offending value; empty for the whole document.
    public var path: String
    public var problem: SpecProblem
    /// Where the value came from when not `file` ("inherited from base.json", "set on the command line").
    public var origin: String?

    public init(file: String = "", path: String, _ problem: SpecProblem, origin: String? = nil) {
        self.file = file; self.path = path; self.problem = problem; self.origin = origin
    }

    /// The problem as a sentence naming the file and path, e.g.
    /// `Ablations/x.json: train.epochz: unknown key "epochz" in train. Did you mean "epochs"? Allowed keys: …`.
    public var description: String {
        var head = file
        if !path.isEmpty { head += (head.isEmpty ? "" : ": ") + path }
        if let origin { head += " (\(origin))" }
        return (head.isEmpty ? "" : head + ": ") + sentence
    }

    /// `value` cut to 120 characters for a message (a 20,000-character value would bury the sentence).
    public static func shortened(_ value: String) -> String {
        value.count <= 120 ? value : String(value.prefix(120)) + "… (\(value.count) characters)"
    }

    /// The problem alone as a sentence.
    public var sentence: String {
        func mean(_ s: String?) -> String { s.map { " Did you mean \"\($0)\"?" } ?? "" }
        switch problem {
        case let .syntax(line, column, message):
            return "invalid JSON at line \(line), column \(column): \(message)."
        case let .fileNotFound(path, suggestion):
            return "no such file \"\(path)\"." + mean(suggestion)
        case let .unreadable(path, reason):
            return "cannot read \"\(path)\": \(reason)."
        case let .unknownKey(key, section, allowed, suggestion):
            return "unknown key \"\(key)\" in \(section).\(mean(suggestion)) Allowed keys: \(allowed.joined(separator: ", "))."
        case let .missingKey(key, expected):
            return "missing key \"\(key)\"; expected \(expected)."
        case let .wrongType(expected, found, value):
            return "expected \(expected), found \(found) (\(Self.shortened(value)))."
        case let .outOfRange(value, allowed):
            return "\(Self.shortened(value)) is out of range; expected \(allowed)."
        case let .unknownChoice(value, allowed, suggestion):
            return "\"\(value)\" is not allowed here.\(mean(suggestion)) Allowed values: \(allowed.joined(separator: ", "))."
        case let .unknownComponent(slot, name, allowed, suggestion):
            return "no \(slot.rawValue) component named \"\(name)\".\(mean(suggestion)) Registered \(slot.rawValue) components: \(allowed.joined(separator: ", ")) (`ablate list` shows their parameters)."
        case let .extendsCycle(chain):
            return "\"extends\" forms a cycle: \(chain.joined(separator: " → ")); remove one of these links."
        case let .pathEscapes(path, root):
            return "\"\(path)\" leads outside \(root) once \"..\" and symbolic links are resolved; a relative path in a spec must stay "
                + "inside that folder (write an absolute path to mean a place outside it)."
        case let .duplicate(what, value):
            return "\(what) \"\(value)\" appears more than once; each must be unique."
        case let .unknownBaseline(name, cells, suggestion):
            return "baseline \"\(name)\" names no variant.\(mean(suggestion)) Variants: \(cells.joined(separator: ", "))."
        case let .noVariants(reason):
            return reason
        case let .invalidOverride(text, reason):
            return "cannot apply --set \(text): \(reason)."
        case let .constraint(keys, rule, found, variant):
            let whose = variant.map { "in variant \"\($0)\", " } ?? ""
            return "\(whose)\(found); \(rule). Change \(keys.joined(separator: " or "))."
        case let .tooLarge(what, limit):
            return "\(what) is too large: \(limit)."
        case let .notASpecFile(path, found):
            return "expected a JSON spec file at \"\(path)\", found \(found); give the path of a .json spec (e.g. Ablations/smoke.json)."
        case let .notUTF8(path, byte, offset, line, column):
            return "expected UTF-8 JSON text in \"\(path)\", found byte 0x\(String(byte, radix: 16, uppercase: true)) at line \(line), column \(column) "
                + "(byte \(offset)), which is not UTF-8; save the file as UTF-8."
        case let .invalidName(name):
            return "\"\(name)\" cannot name the results folder; use letters, digits, '.', '_' and '-' (set \"name\" or rename the file)."
        }
    }
}

/// Every problem found in a spec, thrown at once before anything trains.
public struct SpecError: Error, Equatable, CustomStringConvertible {
    /// The spec file that was loaded.
    public var file: String
    public var issues: [SpecIssue]

    public init(file: String, issues: [SpecIssue]) {
        self.file = file
        self.issues = issues.map { var i = $0; if i.file.isEmpty { i.file = file }; return i }
    }

    /// A summary line followed by one bullet per problem (one line when the file itself cannot be read).
    public var description: String {
        if issues.count == 1, issues[0].path.isEmpty {
            return issues[0].description + " Nothing was run."   // the file itself: missing, unreadable or not JSON
        }
        let n = issues.count
        return "\(file): \(n) problem\(n == 1 ? "" : "s") in the spec; nothing was run.\n"
            + issues.map { "  • " + $0.description }.joined(separator: "\n")
    }
}
