import Foundation
import Testing
@testable import Statistics
@testable import Reporting
import RRSISModels

@Suite("ablate compare, paired")
struct PairedCompareTests {
    /// Base and head of one cell, three seeds, per-sample results from `Planted` with head = base + `effect`
    /// (the seed shifts of ±3 points are shared by both commits, as with a fixed initialisation per seed).
    static func fixture(effect: Double, withSamples: Bool = true) throws -> CompareFixture {
        let f = try CompareFixture()
        let (base, head) = Planted.matrices(seeds: 3, samples: 300, effect: effect, seedSpread: 0.03, generator: 5)
        for (commit, m) in [(CompareFixture.base, base), (CompareFixture.head, head)] {
            for s in 0..<3 {
                try f.add(commit, cell: "FIAM", config: "c1", seed: s, metrics: ["mIoU": 100 * m.value(.mIoU, seed: s),
                                                                                 "oIoU": 100 * m.value(.oIoU, seed: s)])
                guard withSamples else { continue }
                let key = "\(commit.prefix(4))-demo-c1-\(s)"
                try f.store.recordSamples(runKey: key, (0..<m.samples).map { j in
                    SampleResult(split: "test", sampleID: "s\(j)", intersection: m.intersection[s * m.samples + j], union: m.union[s * m.samples + j])
                })
            }
        }
        return f
    }

    @Test func pairedAnalysisResolvesAOneAndAHalfPointGainWelchCallsUnchanged() throws {
        let paired = try Self.fixture(effect: 0.015)
        defer { paired.dir.remove() }
        let c = try paired.compare()
        let mIoU = try #require(c.finding("FIAM", "mIoU"))
        #expect(mIoU.verdict == .improved && mIoU.evidence.hasPrefix("paired 95% CI [+"), "\(mIoU.evidence)")
        #expect(mIoU.evidence.contains("3 seeds × 300 samples"))
        #expect(c.exitCode == 0)

        let welch = try Self.fixture(effect: 0.015, withSamples: false)
        defer { welch.dir.remove() }
        let w = try #require(try welch.compare().finding("FIAM", "mIoU"))
        #expect(w.verdict == .unchanged && w.evidence.hasPrefix("Welch p = "))
    }

    @Test func aResolvedRegressionStillExitsOne() throws {
        let f = try Self.fixture(effect: -0.015)
        defer { f.dir.remove() }
        let c = try f.compare()
        #expect(c.finding("FIAM", "mIoU")?.verdict == .regressed)
        #expect(c.exitCode == 1)
        // A resolved change below --min-effect is not a regression.
        var options = CompareOptions()
        options.minEffectPoints = 2
        #expect(try f.compare(options: options).finding("FIAM", "mIoU")?.verdict == .unchanged)
    }
}
