import Foundation
import Testing
@testable import Declarations
@testable import Experiment
@testable import Reporting
@testable import RunStore

/// `table.tex` as a paper includes it: chosen columns, caption and label, and a width that fits the text.
struct LaTeXTableTests {
    static func table() throws -> (ReportTable, TempDir) {
        try ReportTests.populatedTable(spec: try Fixtures.alignment { try $0.set("variants.rows.1.name", "\"FIAM w/o spatial_#\"") }.get())
    }

    /// The header row of a rendered table (the line after `\toprule`).
    static func header(_ tex: String) -> String {
        let lines = tex.components(separatedBy: "\n")
        return lines[(lines.firstIndex(of: "\\toprule") ?? 0) + 1]
    }

    @Test func defaultColumnsCaptionAndLabel() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        let tex = LaTeXReport.render(table)
        #expect(Self.header(tex) == "Variant & Seeds & oIoU & mIoU & Pr@0.5 & $\\Delta$ mIoU & Params (M) \\\\")
        #expect(tex.contains("\\caption{test: test results (\\%), mean~$\\pm$~sample std over 3 seeds; checkpoint chosen by best-val"))
        #expect(tex.contains("\\label{tab:test}") && tex.hasSuffix("\\bottomrule\n\\end{tabular}}\n\\end{table}\n"))
        #expect(tex.contains("\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%"))
    }

    @Test func chosenColumnsComeInTheGivenOrder() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        let tex = try LaTeXReport.render(table, columnIDs: ["mIoU", "oIoU", "trainSecondsPerEpoch"])
        #expect(Self.header(tex) == "Variant & Seeds & mIoU & oIoU & Train s/epoch \\\\")
        #expect(tex.contains("FIAM w/o spatial\\_\\# & 2/3 & $65.50\\,\\pm\\,0.71$ & $69.25\\,\\pm\\,0.35$ & "))
        #expect(try LaTeXReport.render(table, columnIDs: []) == LaTeXReport.render(table))
    }

    @Test func anUnknownColumnIsAnErrorAndNothingIsWritten() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        let error = LaTeXColumnsError(spec: "test", unknown: "miou", available: table.columns.map(\.id))
        #expect(throws: error) { try ReportWriter.write(table, resultsRoot: dir.path + "/R", latex: true, latexColumns: ["mIoU", "miou"]) }
        #expect(error.description.hasPrefix("test: report.latexColumns names \"miou\", which is not a column of the table. Use ids among: oIoU, mIoU,"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/R"))
    }

    @Test func specKeysParse() throws {
        let spec = try Fixtures.alignment { try $0.set("report", "{\"latexColumns\": \"mIoU, Pr@0.5 delta\", \"tensorboard\": false}") }.get()
        #expect(spec.report.latexColumns == ["mIoU", "Pr@0.5", "delta"] && !spec.report.tensorboard)
        let defaults = try Fixtures.alignment()
        #expect(defaults.report.latexColumns == [] && defaults.report.tensorboard)
    }

    /// Compiles `table` in a one-column article (345 pt text width) with `pdflatex`; returns its log.
    static func compile(_ table: String, in dir: TempDir) throws -> (status: Int32, log: String) {
        let doc = "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\begin{document}\n\(table)\n\\end{document}\n"
        _ = try dir.write("paper.tex", doc)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: dir.path + "/paper.log", encoding: .utf8)) ?? "")
    }

    static let hasPDFLaTeX: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["pdflatex", "--version"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: hasPDFLaTeX, "needs pdflatex (apt-get install texlive-latex-base; .ci/setup installs it)"))
    func compilesWithinTheTextWidth() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        let every = try LaTeXReport.render(table, columnIDs: table.columns.map(\.id))
        for tex in [LaTeXReport.render(table), every] {
            let (status, log) = try Self.compile(tex, in: dir)
            #expect(status == 0, "pdflatex failed:\n\(log.suffix(2000))")
            #expect(!log.contains("Overfull \\hbox"), "\(log.suffix(2000))")
        }
        // The check can fail: every column at natural width (without the shrink) overflows the text width.
        let natural = every.replacingOccurrences(of: "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%\n", with: "")
            .replacingOccurrences(of: "\\end{tabular}}", with: "\\end{tabular}")
        let (status, log) = try Self.compile(natural, in: dir)
        #expect(status == 0 && log.contains("Overfull \\hbox"), "\(log.suffix(2000))")
    }
}
