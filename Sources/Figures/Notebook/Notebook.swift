import Declarations
import Experiment
import Foundation
import Reporting
import RunStore
import Statistics

/// A Jupyter notebook in nbformat 4.5, written as plain JSON (no Jupyter needed to make one).
///
/// Every cell carries the fields the 4.5 schema requires: markdown cells `id`, `cell_type`, `metadata`,
/// `source` (and `attachments` when they embed images); code cells also `outputs` and `execution_count`
/// (null: never run here). Outputs are `display_data`
/// with `output_type`, `data` (a mime bundle) and `metadata`. Cell ids match `^[a-zA-Z0-9-_]+$`, 1–64 characters,
/// and are unique within the notebook.
public struct Notebook: Sendable {
    /// A cell's stored output.
    public enum Output: Sendable {
        /// A PNG image (`image/png`, base64) with a text alternative (`text/plain`).
        case png(Data, alt: String)
    }

    /// An image a markdown cell embeds, shown by `![alt](attachment:<name>)` in its source. Running the
    /// notebook never touches markdown cells, so attached figures survive re-execution (code outputs do not).
    public struct Attachment: Sendable {
        /// File name, unique within the cell (`curves.png`).
        public var name: String
        public var png: Data

        public init(name: String, png: Data) { self.name = name; self.png = png }
    }

    public enum Cell: Sendable {
        case markdown(id: String, source: String, attachments: [Attachment] = [])
        case code(id: String, source: String, outputs: [Output])

        public var id: String {
            switch self {
            case .markdown(let id, _, _), .code(let id, _, _): return id
            }
        }
    }

    public var cells: [Cell]

    /// - Precondition: ids are valid and unique (a programmer error otherwise: the builder chooses them).
    public init(cells: [Cell]) {
        precondition(cells.allSatisfy { Self.isValidID($0.id) }, "Notebook: invalid cell id in \(cells.map(\.id))")
        precondition(Set(cells.map(\.id)).count == cells.count, "Notebook: duplicate cell ids in \(cells.map(\.id))")
        self.cells = cells
    }

    /// nbformat 4.5's rule for cell ids.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.count)
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }

    /// The notebook document.
    public var json: JSONValue {
        .object([
            ("cells", .array(cells.map(Self.json))),
            ("metadata", .object([
                ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])),
                ("language_info", .object([
                    ("codemirror_mode", .object([("name", .string("ipython")), ("version", .int(3))])),
                    ("file_extension", .string(".py")), ("mimetype", .string("text/x-python")), ("name", .string("python")),
                    ("nbconvert_exporter", .string("python")), ("pygments_lexer", .string("ipython3")), ("version", .string("3")),
                ])),
            ])),
            ("nbformat", .int(4)),
            ("nbformat_minor", .int(5)),
        ])
    }

    /// The `.ipynb` text: JSON indented by one space per level, as Jupyter writes it, ending in a newline.
    public func render() -> String { PrettyJSON.render(json, indent: 1) + "\n" }

    static func json(_ cell: Cell) -> JSONValue {
        switch cell {
        case let .markdown(id, source, attachments) where !attachments.isEmpty:
            let images = attachments.map { (key: $0.name, value: JSONValue.object([("image/png", .string($0.png.base64EncodedString()))])) }
            return .object([("attachments", .object(images)), ("cell_type", .string("markdown")), ("id", .string(id)),
                            ("metadata", .object([])), ("source", lines(source))])
        case let .markdown(id, source, _):
            return .object([("cell_type", .string("markdown")), ("id", .string(id)), ("metadata", .object([])), ("source", lines(source))])
        case let .code(id, source, outputs):
            return .object([("cell_type", .string("code")), ("execution_count", .null), ("id", .string(id)), ("metadata", .object([])),
                            ("outputs", .array(outputs.map(json))), ("source", lines(source))])
        }
    }

    static func json(_ output: Output) -> JSONValue {
        switch output {
        case let .png(data, alt):
            return .object([("data", .object([("image/png", .string(data.base64EncodedString())), ("text/plain", lines(alt))])),
                            ("metadata", .object([])), ("output_type", .string("display_data"))])
        }
    }

    /// A multiline string as nbformat stores it: a list of lines, each but the last keeping its `\n`.
    static func lines(_ text: String) -> JSONValue {
        var parts = text.components(separatedBy: "\n")
        if parts.last == "" { parts.removeLast() }
        return .array(parts.enumerated().map { i, line in .string(i < parts.count - 1 || text.hasSuffix("\n") ? line + "\n" : line) })
    }
}

/// JSON text indented for people (and for diffs), keys in stored order; a list of numbers, booleans or nulls
/// stays on one line (`[8, 16, 24, 32]`).
enum PrettyJSON {
    static func render(_ value: JSONValue, indent: Int = 2) -> String {
        var out = ""
        write(value, level: 0, indent: indent, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, level: Int, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: (level + 1) * indent), close = String(repeating: " ", count: level * indent)
        switch value {
        case .array(let items) where !items.isEmpty && items.allSatisfy(isInline):
            out += "[" + items.map { CanonicalJSON.render($0) }.joined(separator: ", ") + "]"
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, level: level + 1, indent: indent, into: &out)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let pairs) where !pairs.isEmpty:
            out += "{\n"
            for (i, pair) in pairs.enumerated() {
                out += pad + CanonicalJSON.quote(pair.key) + ": "
                write(pair.value, level: level + 1, indent: indent, into: &out)
                out += i < pairs.count - 1 ? ",\n" : "\n"
            }
            out += close + "}"
        default:
            out += CanonicalJSON.render(value, sortKeys: false)
        }
    }

    private static func isInline(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .int, .double: return true
        default: return false
        }
    }
}
