import Declarations
import RRSISModels

/// Command-line overrides: `--set train.epochs=2`, `--set seeds=[0,1]`, `--set model.alignment=coarse`.
///
/// The key is a dotted path into the spec (numbers index arrays: `variants.rows.0.name`); the value is
/// parsed as JSON, and taken as a plain string when it is not valid JSON (so `=fiam` needs no quotes).
/// Missing objects along the path are created; validation then checks the result like any spec value.
///
/// A value that is not valid JSON but has commas outside brackets and quotes is a multirun, as in Hydra:
/// `--set train.lr=3e-4,1e-3` sweeps the key over both values (`values`; the loader adds it to
/// `variants.sweep`). A JSON value stays one value: `seeds=[0,1,2]`, `description="a, b"`.
public struct Override: Equatable, Sendable {
    /// Path components (`["train", "epochs"]`).
    public var path: [String]
    /// The value (the first one of a multirun).
    public var value: JSONValue
    /// Every value: one, or several for a multirun.
    public var values: [JSONValue]
    /// The text as typed, for messages.
    public var text: String

    /// Most dot-separated parts in a key: the deepest real key (`variants.rows.0.model.backbone.params.dims.2`)
    /// has 8; the bound keeps absurd keys from recursing without limit.
    public static let maximumKeyDepth = 32
    /// Longest key, in characters.
    public static let maximumKeyLength = 1024

    /// Parses `key=value`.
    public init(parsing text: String) throws {
        self.text = text
        guard let eq = text.firstIndex(of: "=") else {
            throw SpecIssue(path: "", .invalidOverride(text: text, reason: "expected KEY=VALUE, e.g. train.epochs=2"))
        }
        let key = String(text[..<eq]), raw = String(text[text.index(after: eq)...])
        path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard key.count <= Self.maximumKeyLength, path.count <= Self.maximumKeyDepth else {
            throw SpecIssue(path: "", .invalidOverride(text: String(text.prefix(80)) + (text.count > 80 ? "…" : ""), reason:
                "the key has \(path.count) parts and \(key.count) characters; a key has at most \(Self.maximumKeyDepth) parts and "
                + "\(Self.maximumKeyLength) characters (e.g. train.epochs)"))
        }
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            throw SpecIssue(path: key, .invalidOverride(text: text, reason: "the key must be a dotted path such as train.epochs"))
        }
        if let json = try? JSONParser.parse(raw) {
            values = [json]
        } else {
            values = Self.topLevelItems(raw).map { (try? JSONParser.parse($0)) ?? .string($0) }
        }
        value = values[0]
    }

    /// Whether the override sweeps its key over several values (`train.lr=3e-4,1e-3`).
    public var isMultirun: Bool { values.count > 1 }

    /// `text` split at commas that are outside brackets, braces and double quotes (`[8,16],[16,32]` → two items).
    static func topLevelItems(_ text: String) -> [String] {
        var items: [String] = [], current = "", depth = 0, quoted = false, escaped = false
        for c in text {
            if quoted {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { quoted = false }
            } else if c == "\"" {
                quoted = true
            } else if c == "[" || c == "{" {
                depth += 1
            } else if c == "]" || c == "}" {
                depth -= 1
            } else if c == ",", depth == 0 {
                items.append(current); current = ""; continue
            }
            current.append(c)
        }
        items.append(current)
        return items
    }

    /// Dotted form of the path (`train.epochs`).
    public var dottedPath: String { path.joined(separator: ".") }

    /// `document` with this override applied.
    public func apply(to document: JSONValue) throws -> JSONValue {
        try Self.set(path[...], value, in: document, text: text, walked: [])
    }

    private static func set(_ path: ArraySlice<String>, _ value: JSONValue, in node: JSONValue, text: String, walked: [String]) throws -> JSONValue {
        guard let head = path.first else { return value }
        let here = walked + [head]
        switch node {
        case .object:
            let child = node[head] ?? .object([])
            return node.setting(head, to: try set(path.dropFirst(), value, in: child, text: text, walked: here))
        case .array(var items):
            guard let i = Int(head), items.indices.contains(i) else {
                throw SpecIssue(path: here.joined(separator: "."), .invalidOverride(
                    text: text, reason: "\(walked.joined(separator: ".")) is a list of \(items.count); \"\(head)\" is not an index in 0..<\(items.count)"))
            }
            items[i] = try set(path.dropFirst(), value, in: items[i], text: text, walked: here)
            return .array(items)
        default:
            throw SpecIssue(path: walked.joined(separator: "."), .invalidOverride(
                text: text, reason: "\(walked.joined(separator: ".")) is \(node.typeDescription), which has no key \"\(head)\""))
        }
    }
}

extension SpecIssue: Error {}
