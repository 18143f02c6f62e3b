import Foundation
import Testing
@testable import Reporting
@testable import RunStore

/// `compare` decides a timing only from at least `CompareOptions.minimumTimingSamples` seeds per side.
struct TimingSamplesTests {
    @Test func oneOrTwoSeedsOfASlowdownAreNotARegression() throws {
        for seeds in [[0], [0, 1]] {
            let f = try CompareFixture()
            defer { f.dir.remove() }
            // Inference twice as slow at head on every seed: still undecided with fewer than 3 seeds.
            try f.addSteady("A", config: "c1", seeds: seeds, headTimes: seeds.map { _ in 20 })
            let c = try f.compare()
            let timing = try #require(c.finding("A", "infer ms/image"))
            #expect(timing.verdict == .insufficientSeeds && timing.change == "+100.0%")
            #expect(timing.evidence == "\(seeds.count)/\(seeds.count) timing samples (seeds); need 3 on each side")
            #expect(c.exitCode == 0)
        }
    }

    @Test func threeSeedsOfASlowdownAreARegression() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", headTimes: [20, 21, 19])
        let c = try f.compare()
        #expect(try #require(c.finding("A", "infer ms/image")).verdict == .regressed && c.exitCode == 2)
        #expect(ComparisonReport.markdown(c).contains("fewer than 3 seeds on a side is not decided"))
    }
}
