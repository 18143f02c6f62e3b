import Foundation
import Testing
@testable import Experiment
@testable import Reporting
@testable import RunStore

/// Timings are bold only with evidence: the fastest row must beat every other beyond 2 standard errors of seed noise.
struct TimingMarkTests {
    static func table(_ f: ReportFixture) throws -> ReportTable {
        try ReportBuilder.build(Plan(try SpecLoader().load(f.specPath)), store: try ResultStore.reading(f.storePath))
    }

    static func column(_ t: ReportTable, _ id: String) throws -> ReportColumn { try #require(t.columns.first { $0.id == id }) }

    @Test func aSingleSeedGivesNoTimingMark() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        try f.finish(seeds: [0])   // Coarse 10 s/epoch, the others 20 and 30: lowest, but one seed is no evidence
        let t = try Self.table(f)
        #expect(t.best(try Self.column(t, "trainSecondsPerEpoch")).isEmpty)
        #expect(t.best(try Self.column(t, "inferenceMs")).isEmpty)
        #expect(t.best(try Self.column(t, "params")) == [0])        // deterministic costs keep their mark
        let md = MarkdownReport.render(t)
        #expect(md.contains("| 10.0 | 2.00 |") && !md.contains("**10.0"))
        #expect(md.contains("a timing only when it beats every other row beyond 2 standard errors of seed noise"))
    }

    @Test func aClearRepeatedDifferenceIsMarkedAndNoiseIsNot() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        // Train s/epoch: Coarse 10 ± 0.1, the others 20 and 30 (±0.1): beyond noise. Infer ms/image: 5 ± 2 against
        // 6 ± 2 and 7 ± 2: |Δ| = 1 < 2 SE = 2·√(4/3 + 4/3) ≈ 3.27, so no mark.
        try f.finish { c, s in (10 + 10 * Double(c) + 0.1 * Double(s - 1), 5 + Double(c) + 2 * Double(s - 1)) }
        let t = try Self.table(f)
        #expect(t.best(try Self.column(t, "trainSecondsPerEpoch")) == [0])
        #expect(t.best(try Self.column(t, "inferenceMs")).isEmpty)
        let md = MarkdownReport.render(t)
        #expect(md.contains("**10.0 ± 0.1**") && md.contains("| 5.00 ± 2.00 |"))
    }

    @Test func aFastestRowWithinNoiseOfTheSecondIsNotMarked() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        // Coarse 10 ± 1 and FIAM w/o spatial 10.5 ± 1 (|Δ| 0.5 < 2 SE ≈ 1.63); FIAM 30: Coarse is not shown faster than cell 1.
        try f.finish { c, s in ([10, 10.5, 30][c] + Double(s - 1), 2) }
        let t = try Self.table(f)
        #expect(t.best(try Self.column(t, "trainSecondsPerEpoch")).isEmpty)
    }
}
