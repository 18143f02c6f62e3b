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
            #expect(timing.evidence == "\(seeds.count)/\(seeds.count) timing samples; need 3 on each side")
            #expect(c.exitCode == 0)
        }
    }

    @Test func threeSeedsOfASlowdownAreARegression() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", headTimes: [20, 21, 19])
        let c = try f.compare()
        #expect(try #require(c.finding("A", "infer ms/image")).verdict == .regressed && c.exitCode == 2)
        #expect(ComparisonReport.markdown(c).contains("fewer than 3 samples on a side is not decided"))
    }

    @Test func epochTimesAreDifferencesOfTheCumulativeCurve() {
        // Cumulative training seconds 2.0 at step 10, 5.0 at step 20, 6.0 at step 25; val points carry no time.
        let curve = [CurvePoint(epoch: 1, step: 10, split: "train", seconds: 2), CurvePoint(epoch: 1, step: 10, split: "val", mIoU: 0.1),
                     CurvePoint(epoch: 2, step: 20, split: "train", seconds: 5), CurvePoint(epoch: 3, step: 25, split: "train", seconds: 6)]
        #expect(RunComparer.epochSecondsPerStep(curve) == [0.2, 0.3, 0.2])
        #expect(RunComparer.epochSecondsPerStep([CurvePoint(epoch: 1, step: 10, split: "train")]).isEmpty)
    }

    @Test func oneSeedWithRepeatedEpochTimingsDecidesTrainingTime() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        // One seed a side, four epochs of 10 steps: 0.2 s/step at base, 0.4 (±0.02) at head: a clear, repeated slowdown.
        try f.add(CompareFixture.base, cell: "A", config: "c1", seed: 0, metrics: ["mIoU": 70])
        try f.add(CompareFixture.head, cell: "A", config: "c1", seed: 0, metrics: ["mIoU": 70])
        for (commit, perStep) in [(CompareFixture.base, [0.2, 0.2, 0.21, 0.19]), (CompareFixture.head, [0.4, 0.42, 0.38, 0.4])] {
            var cumulative = 0.0
            for (i, s) in perStep.enumerated() {
                cumulative += 10 * s
                try f.store.recordEpoch(runKey: "\(commit.prefix(4))-demo-c1-0",
                                        points: [CurvePoint(epoch: i + 1, step: 10 * (i + 1), split: "train", seconds: cumulative)])
            }
        }
        let c = try f.compare()
        let train = try #require(c.finding("A", "train s/step"))
        #expect(train.verdict == .regressed && train.base == "0.2000" && train.head == "0.4000" && train.change == "+100.0%")
        #expect(train.evidence == "median of 4/4 epoch timings over 1 seed pair, threshold ±10%")
        // Inference time was measured once per run: one seed a side decides nothing.
        #expect(try #require(c.finding("A", "infer ms/image")).verdict == .insufficientSeeds)
        #expect(c.exitCode == 2)
    }
}
