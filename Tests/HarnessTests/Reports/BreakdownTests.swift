import Foundation
import Testing
@testable import Experiment
@testable import RunStore
@testable import Reporting
import RRSISModels

/// The per-tag breakdown, from hand-made stored metrics (test inputs, not model results).
struct BreakdownTests {
    static func table() throws -> (ReportTable?, TempDir) {
        let dir = try TempDir()
        let store = try ResultStore(path: dir.path + "/b.sqlite")
        let plan = Plan(try Fixtures.alignment())
        for run in plan.runs {
            let c = Double(run.cell.index), s = Double(run.seed)
            try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
            let tagged: [(String, Double, Int)] = [("positionNeeded=true", 0.3 + 0.1 * c + 0.01 * s, 40), ("positionNeeded=false", 0.7, 60),
                                                    ("scale=large", 0.8, 70), ("scale=small", 0.2 + 0.05 * c, 30)]
            var metrics = [MetricValue(split: "test", name: "mIoU", value: 0.5)]
            for (tag, value, n) in tagged {
                metrics += [MetricValue(split: "test", name: "mIoU", tag: tag, value: value),
                            MetricValue(split: "test", name: "oIoU", tag: tag, value: 0.99),
                            MetricValue(split: "test", name: "samples", tag: tag, value: Double(n))]
            }
            try store.finishRun(runKey: run.runKey, metrics: metrics, costs: [])
        }
        return (try BreakdownBuilder.build(plan, store: store), dir)
    }

    @Test func columnsAreTagsInNaturalOrderWithSampleCounts() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        let t = try #require(table)
        #expect(t.columns.map(\.title) == ["positionNeeded=false (n=60)", "positionNeeded=true (n=40)", "scale=small (n=30)", "scale=large (n=70)"])
        // FIAM (cell 2), position-needed samples: 50, 51, 52 % → 51 ± 1.
        #expect(t.text(row: t.rows[2], column: t.columns[1]) == "51.00 ± 1.00")
        #expect(t.best(t.columns[1]) == [2] && t.best(t.columns[0]) == [])   // all rows tie: nothing marked
    }

    @Test func markdownMatchesGolden() throws {
        let (table, dir) = try Self.table()
        defer { dir.remove() }
        try ReportTests.golden("alignment_breakdown.md", MarkdownReport.render(try #require(table)))
    }

    @Test func noTaggedMetricsMeansNoBreakdown() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/b.sqlite")
        #expect(try BreakdownBuilder.build(Plan(try Fixtures.alignment()), store: store) == nil)
    }
}

/// The per-component cost table from hand-made stored costs (test inputs, not measurements).
struct CostTableTests {
    /// The cost table of the two-seed alignment plan whose every run `finish` completes in a fresh store.
    private func costTable(_ finish: (ResultStore, PlannedRun) throws -> Void) throws -> ReportTable {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/c.sqlite")
        let plan = Plan(try Fixtures.alignment { try $0.set("seeds", "[0, 1]") }.get())
        for run in plan.runs {
            try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
            try finish(store, run)
        }
        return try #require(try CostTableBuilder.build(plan, store: store))
    }

    @Test func componentsInDataFlowOrderWithMeansAndGolden() throws {
        let table = try costTable { store, run in
            let extra = run.cell.index * 20_000
            try store.finishRun(runKey: run.runKey, metrics: [], costs: [
                CostRecord(component: "text", params: 100_000, macs: 2_000_000),
                CostRecord(component: "backbone", params: 1_500_000, macs: 300_000_000),
                CostRecord(component: "alignment", params: 50_000 + extra, macs: 10_000_000 + 1000 * extra),
                CostRecord(component: CostRecord.total, params: 1_650_000 + extra, peakMemoryBytes: 200_000_000 + 10_000_000 * run.seed),
            ])
            // Cumulative training seconds per epoch: 60 s (seed 0) and 120 s (seed 1) in all.
            try store.recordEpoch(runKey: run.runKey, points: [CurvePoint(epoch: 1, step: 3, split: "train", loss: 1, seconds: 25),
                                                               CurvePoint(epoch: 2, step: 6, split: "train", loss: 1, seconds: 60 + 60 * Double(run.seed))])
        }
        #expect(table.columns.map(\.title) == ["backbone params (M)", "backbone GMACs", "text params (M)", "text GMACs",
                                               "alignment params (M)", "alignment GMACs", "Peak memory (MB)", "Fine-tuning (min/run)"])
        #expect(table.text(row: table.rows[2], column: table.columns[4]) == "0.090")
        #expect(table.text(row: table.rows[0], column: table.columns[6]) == "205 ± 7")   // 200 and 210 MB
        #expect(table.text(row: table.rows[0], column: table.columns[7]) == "1.5 ± 0.7")  // 1 and 2 minutes
        #expect(table.best(table.columns[4]) == [0])
        try ReportTests.golden("alignment_costs.md", MarkdownReport.render(table))
    }

    /// Fine-tuning times are marked best only beyond seed noise (as the main table's timings); parameter counts
    /// by the plain lowest value.
    @Test func fineTuningTimeIsMarkedBestOnlyBeyondNoise() throws {
        func table(_ seconds: (_ cell: Int, _ seed: Int) -> Double) throws -> ReportTable {
            try costTable { store, run in
                try store.finishRun(runKey: run.runKey, metrics: [], costs: [CostRecord(component: "alignment", params: 50_000 + 20_000 * run.cell.index)])
                try store.recordEpoch(runKey: run.runKey, points: [CurvePoint(epoch: 1, step: 3, split: "train", loss: 1,
                                                                              seconds: seconds(run.cell.index, run.seed))])
            }
        }
        // Cell 0 is 6 s faster on average, but its seeds spread over 60 s: within noise, nothing marked.
        let noisy = try table { cell, seed in cell == 0 ? 54 + 60 * Double(seed) : 60 + 60 * Double(seed) }
        let finetune = try #require(noisy.columns.first { $0.id == "finetune" })
        #expect(noisy.best(finetune).isEmpty)
        #expect(noisy.best(try #require(noisy.columns.first { $0.id == "params:alignment" })) == [0])
        // Half the time on every seed: marked.
        let clear = try table { cell, seed in cell == 0 ? 30 + Double(seed) : 60 + Double(seed) }
        #expect(clear.best(try #require(clear.columns.first { $0.id == "finetune" })) == [0])
    }
}
