import Foundation
import RRSISData
import Testing
@testable import Harness
@testable import Declarations
@testable import Experiment
@testable import RunStore
@testable import Figures
import RRSISModels

/// The notebook document and its export from a hand-made store (test inputs, not model results).
struct NotebookTests {
    static func png() throws -> Data {
        var canvas = Canvas(width: 6, height: 4)
        canvas.fillRect(x: 0, y: 0, width: 3, height: 4, Palette.colour(1))
        return try canvas.png()
    }

    @Test func documentHasEveryFieldNbformat45Requires() throws {
        let notebook = Notebook(cells: [
            .markdown(id: "title", source: "# T\n\nline two"),
            .code(id: "load-data", source: "import sqlite3\nx = 1\n", outputs: []),
            .code(id: "curves", source: "x", outputs: [.png(try Self.png(), alt: "a figure")]),
        ])
        let parsed = try JSONSerialization.jsonObject(with: Data(notebook.render().utf8))
        var decoded: [PixelImage] = []
        #expect(NotebookChecks.problems(parsed) { decoded.append(try NotebookChecks.decode($0)) } == [])
        #expect(decoded.count == 1 && decoded[0].width == 6 && decoded[0].height == 4)
        #expect(decoded.first.map { Array($0.pixels.prefix(3)) } == [213, 94, 0])
        let cells = try #require((parsed as? [String: Any])?["cells"] as? [[String: Any]])
        #expect(cells[0]["source"] as? [String] == ["# T\n", "\n", "line two"])
        #expect(cells[1]["source"] as? [String] == ["import sqlite3\n", "x = 1\n"])
        #expect(notebook.render().hasPrefix("{\n \"cells\": [\n  {\n"))    // indented by one space per level, as Jupyter writes
    }

    @Test func cellIDsFollowTheSchemaPattern() {
        for id in ["title", "curves-text", "a_b-9", String(repeating: "x", count: 64)] { #expect(Notebook.isValidID(id), "\(id)") }
        for id in ["", "has space", "é", "a.b", String(repeating: "x", count: 65)] { #expect(!Notebook.isValidID(id), "\(id)") }
    }

    @Test func storePathIsRelativeToTheNotebookFolder() {
        #expect(NotebookExport.relativePath(from: "notebooks-export", to: "Results/fiabench.sqlite") == "../Results/fiabench.sqlite")
        #expect(NotebookExport.relativePath(from: "/tmp/x/nb", to: "/tmp/x/db.sqlite") == "../db.sqlite")
        #expect(NotebookExport.relativePath(from: "/a/b", to: "/a/b/c.sqlite") == "c.sqlite")
        #expect(NotebookExport.relativePath(from: "/a/b/c", to: "/d/e.sqlite") == "../../../d/e.sqlite")
        #expect(NotebookExport.relativePath(from: "/a/./b/../b", to: "/a/s.sqlite") == "../s.sqlite")
    }

    @Test func prettyJSONParsesBackUnchanged() throws {
        let list: JSONValue = .array([.int(1), .double(0.5), .object([]), .array([])])
        let nested: JSONValue = .object([("e", .bool(true))])
        let value: JSONValue = .object([("a", list), ("b", .string("q\"\n\\ é")), ("c", .null), ("d", nested)])
        #expect(try JSONParser.parse(PrettyJSON.render(value)) == value)
        #expect(PrettyJSON.render(.object([("k", .array([.int(1), .null])), ("s", .array([.string("a")]))]), indent: 2)
                == "{\n  \"k\": [1, null],\n  \"s\": [\n    \"a\"\n  ]\n}")
    }

    /// A store with the alignment spec's runs finished by hand: metrics (with tags), curves and kept predictions
    /// of the synthetic test split's first two samples.
    static func handMadeStore(_ dir: TempDir) throws -> (spec: String, store: String) {
        let specPath = try dir.write("Ablations/demo.json", Fixtures.alignmentSpec)
        let storePath = dir.path + "/Results/fiabench.sqlite"
        let store = try ResultStore(path: storePath)
        let plan = Plan(try SpecLoader().load(specPath))
        for run in plan.runs {
            let c = Double(run.cell.index), s = Double(run.seed)
            try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
            for e in 1...3 {
                let x = Double(e)
                try store.recordEpoch(runKey: run.runKey, points: [
                    CurvePoint(epoch: e, step: 10 * e, split: "train", loss: 1 / x + 0.1 * s),
                    CurvePoint(epoch: e, step: 10 * e, split: "val", mIoU: 0.1 * x + 0.05 * c, oIoU: 0.3),
                ])
            }
            let half: [UInt8] = (0..<4096).map { $0 % 64 < 32 ? 1 : 0 }
            let kept = (0..<2).map { i in
                SamplePrediction(split: "test", sampleID: String(format: "syn-test-%06d", i), sampleIndex: i, width: 64, height: 64,
                                 mask: half, iou: 0.1 * Double(i))
            }
            try store.finishRun(runKey: run.runKey, metrics: [
                MetricValue(split: "test", name: "mIoU", value: 0.4 + 0.05 * c + 0.01 * s), MetricValue(split: "test", name: "oIoU", value: 0.5),
                MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.2), MetricValue(split: "test", name: "samples", tag: "scale=small", value: 7),
            ], costs: [], predictions: kept)
        }
        return (specPath, storePath)
    }

    @Test func exportWritesEveryFigureAndTheStorePathRelativeToTheNotebook() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (spec, store) = try Self.handMadeStore(dir)
        let out = dir.path + "/notebooks-export"
        let message = try HarnessCommands.exportNotebook(spec: spec, storePath: store, resultsRoot: dir.path + "/Results", outputFolder: out)
        #expect(message == "wrote \(out)/demo.ipynb (11 cells, 4 figures)\n")
        let parsed = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: out + "/demo.ipynb")))
        var sizes: [Int] = []
        #expect(NotebookChecks.problems(parsed) { sizes.append(try NotebookChecks.decode($0).width) } == [])
        #expect(sizes == [1280, 900, 1400, 2 * Figure.margin + 5 * QualitativePanel.side + 4 * 12])
        let cells = try #require((parsed as? [String: Any])?["cells"] as? [[String: Any]])
        #expect(cells.compactMap { $0["id"] as? String } == ["title", "results-table", "load-data", "curves-text", "curves", "bars-text", "bars",
                                                               "breakdown-text", "breakdown", "qualitative-text", "qualitative"])
        let code = NotebookChecks.codeCells(parsed)
        #expect(code[0].contains("DATABASE = \"../Results/fiabench.sqlite\""))
        #expect(code[0].contains("import sqlite3") && code[0].contains("import pandas as pd"))
        let imports = code.joined(separator: "\n").split(separator: "\n").filter { $0.hasPrefix("import ") || $0.hasPrefix("from ") }
        #expect(Set(imports) == ["import sqlite3", "import pandas as pd"])
        let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }.map { ($0["source"] as? [String] ?? []).joined() }
        #expect(markdown[1].hasPrefix("## demo\n") && markdown[1].contains("| Coarse (baseline) | 3/3 |"))
        #expect(markdown[0].contains("```json\n{\n  \"description\": \"Alignment ablation.\""))
    }

    @Test(.enabled(if: Python.available, "needs python3"))
    func codeCellsAreValidPython() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (spec, store) = try Self.handMadeStore(dir)
        let out = dir.path + "/nb"
        _ = try HarnessCommands.exportNotebook(spec: spec, storePath: store, resultsRoot: dir.path + "/Results", outputFolder: out)
        let parsed = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: out + "/demo.ipynb")))
        let code = NotebookChecks.codeCells(parsed)
        #expect(code.count == 5)
        for source in code {
            let result = Python.run(["-c", "import ast, sys; ast.parse(sys.stdin.read())"], input: source)
            #expect(result.status == 0, "\(result.output)\n\(source)")
        }
    }

    @Test func exportWithoutStoreOrFinishedRunsFailsLikeReport() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let spec = try dir.write("Ablations/demo.json", Fixtures.alignmentSpec)
        let store = dir.path + "/none.sqlite"
        #expect(throws: ReportError.noStore(path: store, spec: spec)) { try HarnessCommands.exportNotebook(spec: spec, storePath: store) }
        _ = try ResultStore(path: store)
        #expect(throws: ReportError.noFinishedRuns(spec: spec, planned: 9, store: store)) {
            try HarnessCommands.exportNotebook(spec: spec, storePath: store, outputFolder: dir.path + "/nb")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/nb"))
    }
}
