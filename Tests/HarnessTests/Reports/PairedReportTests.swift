import Foundation
import Testing
@testable import Experiment
@testable import Statistics
@testable import RunStore
@testable import Runner
@testable import Reporting
import RRSISModels

/// Tables with paired intervals, from a store whose runs carry per-sample results. The numbers are synthetic
/// inputs, not results of any model.
@Suite("Paired intervals in reports")
struct PairedReportTests {
    /// Cell c, seed s, sample j: union 100, intersection 40 + 2j + 3c + s + (j·s·7 mod 5) (IoU in percent); even
    /// samples carry `positionNeeded=true`. Metrics rows are the evaluator's own figures of those samples.
    static func populated() throws -> (Plan, ResultStore, TempDir) {
        let dir = try TempDir()
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        let plan = Plan(try Fixtures.alignment())
        for run in plan.runs {
            try store.beginRun(RunRecord(run, of: plan, commit: "abc", dirty: false, toolchain: "t", host: "h", cores: 2, threads: 2))
            var e = SegmentationEvaluator()
            for j in 0..<20 {
                let i = 40 + 2 * j + 3 * run.cell.index + run.seed + (j * run.seed * 7) % 5
                e.add(intersection: i, union: 100, tags: ["positionNeeded": j % 2 == 0 ? "true" : "false"], id: String(format: "s%02d", j))
            }
            try store.recordSamples(runKey: run.runKey, e.sampleResults(split: "test"))
            try store.finishRun(runKey: run.runKey, metrics: e.metricValues(split: "test"), costs: [])
        }
        return (plan, store, dir)
    }

    @Test func tableCarriesThePairedIntervalOfEveryMetricMatchingTheBootstrap() throws {
        let (plan, store, dir) = try Self.populated()
        defer { dir.remove() }
        let table = try ReportBuilder.build(plan, store: store)
        let fiam = table.rows[2]
        // Independent of the report code: the matrices straight from the store, bootstrapped with the defaults.
        func runs(_ cell: Int) throws -> [(seed: Int, samples: [SampleResult])] {
            try plan.runs(of: plan.spec.cells[cell]).map { ($0.seed, try store.samples(runKey: $0.runKey, split: "test")) }
        }
        let paired = try #require(PairedSamples(baseline: try runs(0), variant: try runs(2)))
        let expected = PairedBootstrap().compare(baseline: paired.baseline, variant: paired.variant)
        for m in Metric.allCases { #expect(fiam.paired[m] == expected[m]!.scaled(100)) }
        // Every sample gains 6 points (3 per cell index): a constant shift, so Δ mIoU = +6 exactly, resolved.
        let d = try #require(fiam.paired[.mIoU])
        #expect(abs(d.delta - 6) < 1e-9 && abs(d.low - 6) < 1e-9 && d.pImprove == 1 && d.isResolved)
        #expect(table.rows[0].paired.isEmpty)

        let md = MarkdownReport.render(table)
        #expect(md.contains("| P(Δ>0) |") && md.contains("+6.00 [+6.00, +6.00] | 1.00 |"))
        #expect(md.contains("## Δ vs baseline, every metric") && md.contains("3 × 20"))
        #expect(md.contains("bootstrap seed 20261201") && md.contains("2000 resamples"))
        #expect(MarkdownReport.render(try ReportBuilder.build(plan, store: store)) == md)   // bit-reproducible

        let csv = CSVReport.render(table).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = csv[0]
        let low = try #require(header.firstIndex(of: "mIoU ci_low")), p = try #require(header.firstIndex(of: "mIoU p_improve"))
        #expect(Double(csv[3][low]) == 6 && Double(csv[3][p]) == 1)
        #expect(csv[1][low] == "")                      // the baseline has no delta
        #expect(!header.contains("P(Δ>0) mean"))       // the P column is not a per-seed statistic

        let tex = try LaTeXReport.render(table, columnIDs: [ReportTable.deltaColumn, ReportTable.pImproveColumn])
        #expect(tex.contains("$+6.00\\;[+6.00,\\,+6.00]$") && tex.contains("$P(\\Delta>0)$"))
    }

    @Test func breakdownShowsThePairedDeltaPerTag() throws {
        let (plan, store, dir) = try Self.populated()
        defer { dir.remove() }
        let breakdown = try #require(try BreakdownBuilder.build(plan, store: store))
        let noSpatial = breakdown.rows[1]
        let tagged = try #require(noSpatial.intervals["positionNeeded=true"])
        #expect(tagged.samples == 10 && abs(tagged.delta - 3) < 1e-9 && tagged.isResolved)
        let column = try #require(breakdown.columns.first { $0.id == "positionNeeded=true" })
        #expect(breakdown.text(row: noSpatial, column: column).hasSuffix("(Δ +3.00 [+3.00, +3.00])"))
        #expect(MarkdownReport.render(breakdown).contains("paired two-level bootstrap"))
    }
}
