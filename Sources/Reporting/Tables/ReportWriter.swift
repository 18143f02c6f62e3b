import Declarations
import Experiment
import Foundation
import RunStore

/// Writes a spec's report files into its results folder (`Results/<spec>/`).
public enum ReportWriter {
    /// Writes `table.md` and `table.csv` (and `table.tex` when `latex`; `breakdown.md` and `costs.md` when
    /// given); returns their paths.
    @discardableResult
    public static func write(_ table: ReportTable, breakdown: ReportTable? = nil, costs: ReportTable? = nil,
                             resultsRoot: String = ResultsFolder.defaultRoot, latex: Bool = false) throws -> [String] {
        let dir = ResultsFolder.folder(for: table.specName, resultsRoot: resultsRoot)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var files = [(dir + "/table.md", MarkdownReport.render(table)), (dir + "/table.csv", CSVReport.render(table))]
        if latex { files.append((dir + "/table.tex", LaTeXReport.render(table))) }
        if let breakdown { files.append((dir + "/breakdown.md", MarkdownReport.render(breakdown))) }
        if let costs { files.append((dir + "/costs.md", MarkdownReport.render(costs))) }
        for (path, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) }
        return files.map(\.0)
    }
}
