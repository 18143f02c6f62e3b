import Foundation
import Testing
@testable import Experiment
@testable import RunStore
@testable import Reporting
import RRSISModels

/// Report rendering against golden files. The stored numbers are synthetic test inputs chosen so every
/// statistic is easy to check by hand — they are not results of any model.
struct ReportTests {
    /// Fills a store for the alignment fixture: cell c, seed s gets mIoU = 0.60 + 0.05c + 0.01s, etc.;
    /// "FIAM w/o spatial" seed 2 is still running (left out of the table).
    static func populatedTable(spec: AblationSpec) throws -> (ReportTable, TempDir) {
        let dir = try TempDir()
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        let plan = Plan(spec)
        for run in plan.runs {
            let c = Double(run.cell.index), s = Double(run.seed)
            try store.beginRun(RunRecord(run, of: plan, commit: "abc", dirty: false, toolchain: "t", host: "h", cores: 2, threads: 2,
                                         startedAt: Date(timeIntervalSince1970: 0)))
            if run.cell.index == 1 && run.seed == 2 { continue }
            let miou = 0.60 + 0.05 * c + 0.01 * s
            var metrics = [MetricValue(split: "test", name: "oIoU", value: 0.65 + 0.04 * c + 0.005 * s),
                           MetricValue(split: "test", name: "mIoU", value: miou),
                           MetricValue(split: "val", name: "mIoU", value: 0.99),                          // other split: ignored
                           MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.01)]   // breakdown: ignored
            for (k, m) in Metric.precisions.enumerated() {
                metrics.append(MetricValue(split: "test", name: m.name, value: max(0, miou + 0.1 - 0.1 * Double(k))))
            }
            let costs = [CostRecord(component: CostRecord.total, params: 4_000_000 + run.cell.index * 250_000,
                                    macs: 1_200_000_000 + run.cell.index * 100_000_000, trainSecondsPerEpoch: 30 + c + 0.5 * s,
                                    inferenceMsPerImage: 5 + 0.2 * c)]
            try store.finishRun(runKey: run.runKey, metrics: metrics, costs: costs)
        }
        return (try ReportBuilder.build(plan, store: store), dir)
    }

    static func golden(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FIABENCH_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file; rerun with FIABENCH_UPDATE_GOLDEN=1 after checking the change")
    }

    @Test func statisticsAreMeanAndSampleStdOverFinishedSeeds() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment())
        defer { dir.remove() }
        let coarse = table.rows[0], noSpatial = table.rows[1], fiam = table.rows[2]
        #expect(coarse.isBaseline && coarse.finishedSeeds == [0, 1, 2])
        #expect(noSpatial.finishedSeeds == [0, 1])
        // Coarse mIoU in percent: 60, 61, 62 → mean 61, sample std 1.
        #expect(abs(coarse.cells["mIoU"]!.mean! - 61) < 1e-9)
        #expect(abs(coarse.cells["mIoU"]!.std! - 1) < 1e-9)
        // Δ mIoU of FIAM: 71 − 61 = 10 points; of the two-seed row: 65.5 − 61.
        #expect(abs(fiam.cells[ReportTable.deltaColumn]!.mean! - 10) < 1e-9)
        #expect(abs(noSpatial.cells[ReportTable.deltaColumn]!.mean! - 4.5) < 1e-9)
        #expect(coarse.cells[ReportTable.deltaColumn] == nil)
        #expect(abs(fiam.cells["params"]!.mean! - 4.5) < 1e-12)
        #expect(abs(fiam.cells["gmacs"]!.mean! - 1.4) < 1e-12)
    }

    @Test func bestIsPolarityAware() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment())
        defer { dir.remove() }
        func column(_ id: String) -> ReportColumn { table.columns.first { $0.id == id }! }
        #expect(table.best(column("mIoU")) == [2])       // higher is better
        #expect(table.best(column("params")) == [0])     // lower is better
        #expect(table.best(column("inferenceMs")) == [0])
        #expect(table.best(column(ReportTable.deltaColumn)).isEmpty)
    }

    @Test func markdownMatchesGolden() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment())
        defer { dir.remove() }
        try Self.golden("alignment_table.md", MarkdownReport.render(table))
    }

    @Test func csvMatchesGoldenAndFollowsRFC4180() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment { try $0.set("variants.rows.2.name", #""FIAM, \"full\"""#) }.get())
        defer { dir.remove() }
        let csv = CSVReport.render(table)
        try Self.golden("alignment_table.csv", csv)
        #expect(csv.contains("\r\n\"FIAM, \"\"full\"\"\",false,3,3,"))
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test(arguments: [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""), ("cr\r\nlf", "\"cr\r\nlf\"")])
    func csvFieldQuoting(raw: String, quoted: String) {
        #expect(CSVReport.field(raw) == quoted)
    }

    @Test func terminalMarksBestWithoutANSIWhenNotATerminal() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment())
        defer { dir.remove() }
        let plain = TerminalReport.render(table, ansi: false)
        #expect(plain.contains("*71.00 ± 1.00") && !plain.contains("\u{1B}["))
        #expect(TerminalReport.render(table, ansi: true).contains("\u{1B}[1m71.00 ± 1.00\u{1B}[0m"))
    }

    @Test func writerPutsFilesInTheSpecsResultsFolder() throws {
        let (table, dir) = try Self.populatedTable(spec: try Fixtures.alignment())
        defer { dir.remove() }
        let paths = try ReportWriter.write(table, resultsRoot: dir.path + "/Results")
        #expect(paths == [dir.path + "/Results/test/table.md", dir.path + "/Results/test/table.csv"])
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == MarkdownReport.render(table))
    }
}

struct LaTeXReportTests {
    @Test(arguments: [("a_b", "a\\_b"), ("50% & $5", "50\\% \\& \\$5"), ("{x}#", "\\{x\\}\\#"), ("~^\\", "\\textasciitilde{}\\textasciicircum{}\\textbackslash{}")])
    func escapesSpecialCharacters(raw: String, escaped: String) {
        #expect(LaTeXReport.escape(raw) == escaped)
    }

    @Test func matchesGolden() throws {
        let (table, dir) = try ReportTests.populatedTable(spec: try Fixtures.alignment { try $0.set("variants.rows.1.name", "\"FIAM w/o spatial_#\"") }.get())
        defer { dir.remove() }
        let tex = LaTeXReport.render(table)
        try ReportTests.golden("alignment_table.tex", tex)
        #expect(tex.contains("FIAM w/o spatial\\_\\# & 2/3 & $69.25\\,\\pm\\,0.35$"))
        #expect(tex.contains("{\\boldmath$71.00\\,\\pm\\,1.00$}"))
    }
}
