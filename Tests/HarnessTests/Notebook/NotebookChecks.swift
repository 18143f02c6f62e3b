import Foundation
import RRSISData
import RRSISModels

/// nbformat 4.5 checks written from the schema's `required` and `additionalProperties: false` lists
/// (nbformat/v4/nbformat.v4.5.schema.json), so the tests do not need Jupyter installed.
enum NotebookChecks {
    static let topRequired: Set = ["nbformat", "nbformat_minor", "metadata", "cells"]
    static let markdownRequired: Set = ["id", "cell_type", "metadata", "source"]
    static let markdownAllowed = markdownRequired.union(["attachments"])
    static let codeRequired: Set = ["id", "cell_type", "metadata", "source", "outputs", "execution_count"]
    static let displayRequired: Set = ["output_type", "data", "metadata"]
    static let displayAllowed = displayRequired.union(["transient"])

    /// Every problem found in a parsed notebook (empty when it is valid); each PNG (markdown attachments and
    /// code outputs, in cell order) is passed to `png`.
    static func problems(_ notebook: Any, png: (Data) throws -> Void = { _ in }) -> [String] {
        guard let top = notebook as? [String: Any] else { return ["the notebook is not a JSON object"] }
        var out: [String] = []
        if !topRequired.isSubset(of: top.keys) { out.append("top level lacks \(topRequired.subtracting(top.keys).sorted())") }
        if top["nbformat"] as? Int != 4 || top["nbformat_minor"] as? Int != 5 { out.append("not nbformat 4.5") }
        let metadata = top["metadata"] as? [String: Any]
        if (metadata?["kernelspec"] as? [String: Any])?["name"] as? String != "python3" { out.append("kernelspec is not python3") }
        if (metadata?["language_info"] as? [String: Any])?["name"] as? String != "python" { out.append("language_info.name is not python") }
        guard let cells = top["cells"] as? [[String: Any]] else { return out + ["cells is not a list of objects"] }
        let idPattern = try! NSRegularExpression(pattern: "^[a-zA-Z0-9-_]+$")
        var ids: [String] = []
        for (i, cell) in cells.enumerated() {
            let keys = Set(cell.keys)
            let id = cell["id"] as? String ?? ""
            ids.append(id)
            if !(1...64).contains(id.count) || idPattern.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) == nil {
                out.append("cell \(i): id \"\(id)\" does not match ^[a-zA-Z0-9-_]+$ (1–64 characters)")
            }
            if !(cell["metadata"] is [String: Any]) { out.append("cell \(i): metadata is not an object") }
            if !(cell["source"] is [String]) { out.append("cell \(i): source is not a list of strings") }
            switch cell["cell_type"] as? String {
            case "markdown":
                if !markdownRequired.isSubset(of: keys) || !keys.isSubset(of: markdownAllowed) { out.append("markdown cell \(i) has keys \(keys.sorted())") }
                for (name, bundle) in cell["attachments"] as? [String: Any] ?? [:] {
                    let source = (cell["source"] as? [String] ?? []).joined()
                    if !source.contains("(attachment:\(name))") { out.append("markdown cell \(i): attachment \(name) is not shown by its source") }
                    guard let text = (bundle as? [String: Any])?["image/png"] as? String, let data = Data(base64Encoded: text) else {
                        out.append("markdown cell \(i): attachment \(name) has no base64 image/png"); continue
                    }
                    do { try png(data) } catch { out.append("markdown cell \(i): attachment \(name) does not decode: \(error)") }
                }
            case "code":
                if keys != codeRequired { out.append("code cell \(i) has keys \(keys.sorted())") }
                if !(cell["execution_count"] is NSNull) { out.append("code cell \(i): execution_count is not null") }
                guard let outputs = cell["outputs"] as? [[String: Any]] else { out.append("code cell \(i): outputs is not a list"); continue }
                for output in outputs {
                    let okeys = Set(output.keys)
                    if !displayRequired.isSubset(of: okeys) || !okeys.isSubset(of: displayAllowed) || output["output_type"] as? String != "display_data" {
                        out.append("code cell \(i): output with keys \(okeys.sorted()) is not display_data")
                    }
                    guard let text = (output["data"] as? [String: Any])?["image/png"] as? String, let data = Data(base64Encoded: text) else {
                        out.append("code cell \(i): no base64 image/png"); continue
                    }
                    do { try png(data) } catch { out.append("code cell \(i): PNG does not decode: \(error)") }
                }
            default:
                out.append("cell \(i): cell_type \(String(describing: cell["cell_type"]))")
            }
        }
        if Set(ids).count != ids.count { out.append("duplicate cell ids in \(ids)") }
        return out
    }

    /// Decodes PNG bytes through libpng (via a temporary file).
    static func decode(_ data: Data) throws -> PixelImage {
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "fiabench-png-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        return try PNGCodec.read(url)
    }

    /// The code cells' sources, joined.
    static func codeCells(_ notebook: Any) -> [String] {
        ((notebook as? [String: Any])?["cells"] as? [[String: Any]] ?? [])
            .filter { $0["cell_type"] as? String == "code" }
            .map { ($0["source"] as? [String] ?? []).joined() }
    }
}

/// `python3` on the PATH, for checks of the notebook's code.
enum Python {
    /// Runs `python3 arguments` in `directory` with `input` on stdin; returns the status and combined output.
    static func run(_ arguments: [String], input: String = "", in directory: String? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        do { try process.run() } catch { return (-1, "\(error)") }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Whether `python3 -c "import <module>"` succeeds.
    static func has(_ module: String) -> Bool { run(["-c", "import \(module)"]).status == 0 }

    static let available = run(["-c", "pass"]).status == 0
    static let hasPandas = has("pandas")
    /// Jupyter's executor and a Python kernel, to run a notebook as Jupyter does.
    static let hasNbclient = has("nbclient") && has("ipykernel")
    /// TensorBoard's event reader and hparams plugin.
    static let hasTensorBoard = has("tensorboard.backend.event_processing.event_accumulator")
}
