import Declarations
import Experiment
import Foundation
import RunStore

/// Writes a spec's report files into its results folder (`Results/<spec>/`).
public enum ReportWriter {
    /// Writes `table.md` and `table.csv` (and `table.tex` when `latex`, with `latexColumns` or the default
    /// columns; `breakdown.md` and `costs.md` when given, `costs.md` followed by `costsAppendix`, the
    /// pretraining section); returns their paths. A bad column id throws before
    /// any file is written.
    @discardableResult
    public static func write(_ table: ReportTable, breakdown: ReportTable? = nil, costs: ReportTable? = nil,
                             resultsRoot: String = ResultsFolder.defaultRoot, latex: Bool = false, latexColumns: [String] = [],
                             costsAppendix: String? = nil) throws -> [String] {
        let tex = latex ? try LaTeXReport.render(table, columnIDs: latexColumns) : nil
        let dir = ResultsFolder.folder(for: table.specName, resultsRoot: resultsRoot)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var files = [(dir + "/table.md", MarkdownReport.render(table)), (dir + "/table.csv", CSVReport.render(table))]
        if let tex { files.append((dir + "/table.tex", tex)) }
        if let breakdown { files.append((dir + "/breakdown.md", MarkdownReport.render(breakdown))) }
        if let costs { files.append((dir + "/costs.md", MarkdownReport.render(costs) + (costsAppendix.map { "\n" + $0 } ?? ""))) }
        for (path, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) }
        return files.map(\.0)
    }
}
