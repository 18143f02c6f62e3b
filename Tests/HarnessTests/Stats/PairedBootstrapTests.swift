import Foundation
import Testing
@testable import Experiment
@testable import Statistics
import RRSISModels

@Suite("Paired bootstrap")
struct PairedBootstrapTests {
    @Test("SplitMix64 matches the published reference stream for seed 0")
    func splitMix() {
        var rng = BootstrapRNG(seed: 0)
        // Vigna's splitmix64.c, seeded with 0: the first two outputs.
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("quantile interpolates linearly between order statistics, as numpy does")
    func quantile() {
        #expect(PairedBootstrap.quantile([1, 2, 3, 4], 0.25) == 1.75)   // h = 3 × 0.25 = 0.75
        #expect(PairedBootstrap.quantile([1, 2, 3, 4], 0.975) == 3.925) // h = 2.925
        #expect(PairedBootstrap.quantile([5], 0.5) == 5)
    }

    @Test("hand-computed deltas: oIoU is the ratio of sums, not a mean of ratios")
    func handComputed() {
        // Baseline: IoUs 1/2 and 9/10 → mIoU 0.7, oIoU 10/12. Variant: 2/2 and 4/10 → mIoU 0.7, oIoU 6/12.
        let base = SampleMatrix([[(1, 2), (9, 10)]]), variant = SampleMatrix([[(2, 2), (4, 10)]])
        let d = PairedBootstrap(resamples: 50).compare(baseline: base, variant: variant)
        #expect(abs(d[.mIoU]!.delta) < 1e-12)
        let oIoUDelta: Double = 6.0 / 12 - 10.0 / 12   // −1/3, where a mean of ratios would say 0
        #expect(abs(d[.oIoU]!.delta - oIoUDelta) < 1e-12)
        #expect(d[.pr50]!.delta == -0.5)  // 2 of 2 at ≥ 0.5 → 1 of 2
        #expect(d[.pr90]!.delta == 0)     // 1 of 2 on both sides (9/10 is exactly 0.9)
        // One seed, two samples: a resample is both samples, or one twice, each with probability 1/4 … 1/2;
        // every drawn pair has oIoU Δ < 0 except {(1,2),(1,2)} vs {(2,2),(2,2)} (Δ = +0.5, probability 1/4).
        #expect(d[.oIoU]!.high == 0.5)
        #expect(d[.oIoU]!.pImprove > 0.1 && d[.oIoU]!.pImprove < 0.45)
    }

    @Test("a constant per-sample gain has a zero-width interval at the gain, and P(improve) = 1")
    func constantShift() {
        // Every sample of every seed gains one pixel of intersection at union 10: IoU +0.1 everywhere, and
        // ΣI/ΣU +0.1 for any resample.
        let rows: [[(Int, Int)]] = [[(3, 10), (5, 10), (0, 10), (7, 10)], [(1, 10), (6, 10), (8, 10), (2, 10)]]
        let base = SampleMatrix(rows), variant = SampleMatrix(rows.map { $0.map { ($0.0 + 1, $0.1) } })
        let d = PairedBootstrap(resamples: 200).compare(baseline: base, variant: variant)
        for m in [Metric.mIoU, .oIoU] {
            #expect(abs(d[m]!.delta - 0.1) < 1e-12)
            #expect(abs(d[m]!.low - 0.1) < 1e-12 && abs(d[m]!.high - 0.1) < 1e-12)
            #expect(d[m]!.pImprove == 1 && d[m]!.isResolved)
        }
        // Identical runs: every replicate ties, so P(improve) is one half and nothing is resolved.
        let same = PairedBootstrap(resamples: 200).compare(baseline: base, variant: base)
        #expect(same[.mIoU]! == PairedDelta(delta: 0, low: 0, high: 0, pImprove: 0.5, seeds: 2, samples: 4))
        #expect(!same[.mIoU]!.isResolved)
    }

    @Test("same inputs and seed give the same interval bit for bit; another seed moves it")
    func deterministic() {
        let (base, variant) = Planted.matrices(seeds: 3, samples: 40, effect: 0.01, generator: 7)
        let a = PairedBootstrap().compare(baseline: base, variant: variant)
        let b = PairedBootstrap().compare(baseline: base, variant: variant)
        let c = PairedBootstrap(seed: 1).compare(baseline: base, variant: variant)
        #expect(a == b)
        #expect(a[.mIoU]!.low != c[.mIoU]!.low)
        #expect(a[.mIoU]!.delta == c[.mIoU]!.delta)
    }

    @Test("agrees with an independent numpy implementation (Tests/HarnessTests/Stats/bootstrap_reference.py)")
    func numpyReference() throws {
        guard Python.available, Python.has("numpy") else {
            Issue.record("python3 with numpy is needed for the reference check")
            return
        }
        // Unequal unions (so oIoU ≠ mIoU), some empty unions (IoU 0 by convention) and IoUs on the Pr@ thresholds.
        var rng = BootstrapRNG(seed: 42)
        func run() -> [(Int, Int)] {
            (0..<37).map { j in
                if j % 11 == 0 { return (0, 0) }
                let u = 10 + rng.index(below: 400), i = j % 7 == 0 ? u / 2 : rng.index(below: u + 1)
                return (i, u)
            }
        }
        let base = SampleMatrix((0..<3).map { _ in run() }), variant = SampleMatrix((0..<3).map { _ in run() })
        let bootstrap = PairedBootstrap(resamples: 300, seed: 99, level: 0.9)
        let swift = bootstrap.compare(baseline: base, variant: variant)
        func side(_ m: SampleMatrix) -> [String: Any] {
            ["intersection": (0..<m.seeds).map { s in Array(m.intersection[(s * m.samples)..<((s + 1) * m.samples)]) },
             "union": (0..<m.seeds).map { s in Array(m.union[(s * m.samples)..<((s + 1) * m.samples)]) }]
        }
        let input = try JSONSerialization.data(withJSONObject: ["seed": 99, "resamples": 300, "level": 0.9,
                                                                "baseline": side(base), "variant": side(variant)])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("bootstrap_reference.py").path
        let (status, output) = Python.run([script], input: String(decoding: input, as: UTF8.self))
        try #require(status == 0, "reference script failed: \(output)")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Double]])
        for metric in Metric.allCases {
            let r = try #require(reference[metric.name]), d = try #require(swift[metric])
            #expect(abs(d.delta - r["delta"]!) < 1e-12, "\(metric.name) delta")
            #expect(abs(d.low - r["low"]!) < 1e-12, "\(metric.name) low")
            #expect(abs(d.high - r["high"]!) < 1e-12, "\(metric.name) high")
            #expect(abs(d.pImprove - r["p_improve"]!) < 1e-12, "\(metric.name) P(improve)")
        }
        // The check is not vacuous: the intervals have width and oIoU differs from mIoU.
        #expect(swift[.mIoU]!.high > swift[.mIoU]!.low)
        #expect(swift[.oIoU]!.delta != swift[.mIoU]!.delta)
    }
}
