import Foundation
import Testing
@testable import Harness
@testable import Statistics
import RRSISModels

@Suite("Planned resolution")
struct PlannedResolutionTests {
    @Test func halfWidthAndSeedsFollowTheVarianceModel() {
        let r = PlannedResolution(seedSD: 2, sampleSD: 20, samples: 400, source: "test")
        // 1.96 · √(4/3 + 400/400) = 1.96 · √(7/3)
        #expect(abs(r.halfWidth(seeds: 3) - 1.96 * (7.0 / 3).squareRoot()) < 1e-12)
        // 1.96² (4/k + 1) < 1 ⇔ k > 4 · 3.8416 / (1 − 3.8416) < 0: never — the sample term alone is ±1.96.
        #expect(r.seedsToResolve(1) == nil)
        #expect(r.render(plannedSeeds: 3, metric: .mIoU).contains("no number of seeds up to 100 resolves 1 point"))
        // With 1,600 samples the sample term is 0.96²/… : 1.96² (4/k + 0.25) < 1 ⇔ k > 15.3664 / 0.0396 = 388 → none either;
        // with σ_sample 10 and 1,600 samples: 1.96² (4/k + 0.0625) < 1 ⇔ 4/k < 0.1978 ⇔ k ≥ 21.
        let wide = PlannedResolution(seedSD: 2, sampleSD: 10, samples: 1600, source: "test")
        #expect(wide.seedsToResolve(1) == 21)
        #expect(wide.halfWidth(seeds: 21) < 1 && wide.halfWidth(seeds: 20) >= 1)
        #expect(wide.render(plannedSeeds: 3, metric: .mIoU).contains("1 point needs 21 seeds"))
    }

    @Test func spreadsAreComputedByHand() {
        // Two seeds, two samples, union 10: per-sample IoU Δs (points) seed 0: +10, +30; seed 1: +30, +10.
        let base = SampleMatrix([[(1, 10), (2, 10)], [(1, 10), (2, 10)]])
        let variant = SampleMatrix([[(2, 10), (5, 10)], [(4, 10), (3, 10)]])
        let s = PlannedResolution.spreads(base, variant, metric: .mIoU)
        // Per-seed Δ mIoU: 20 and 20 → spread 0; per-sample Δ averaged over seeds: 20, 20 → spread 0.
        #expect(s.seed < 1e-9 && s.sample < 1e-9)
        let other = SampleMatrix([[(2, 10), (5, 10)], [(2, 10), (2, 10)]])
        // Per-seed Δ: 20 and 5 → sample std 10.6066; per-sample: (10 + 10)/2 = 10 and (30 + 0)/2 = 15 → std 3.5355.
        let t = PlannedResolution.spreads(base, other, metric: .mIoU)
        #expect(abs(t.seed - 15 / 2.0.squareRoot()) < 1e-9 && abs(t.sample - 5 / 2.0.squareRoot()) < 1e-9)
    }

    @Test func predictionIsCloseToTheBootstrapItPlansFor() {
        // On planted data the model's half-width is within 35% of the paired bootstrap's, at 3 and 5 seeds.
        for seeds in [3, 5] {
            let (base, variant) = Planted.matrices(seeds: seeds, samples: 200, effect: 0.01, generator: 11)
            let s = PlannedResolution.spreads(base, variant, metric: .mIoU)
            let predicted = PlannedResolution(seedSD: s.seed, sampleSD: s.sample, samples: 200, source: "").halfWidth(seeds: seeds)
            let actual = PairedBootstrap().compare(baseline: base, variant: variant, metrics: [.mIoU])[.mIoU]!.scaled(100).halfWidth
            #expect(abs(predicted / actual - 1) < 0.35, "\(seeds) seeds: predicted ±\(predicted), bootstrap ±\(actual)")
        }
    }

    @Test func planPrintsTheMeasuredResolutionOnceRunsFinished() throws {
        let (plan, store, dir) = try PairedReportTests.populated()
        defer { dir.remove() }
        let r = try #require(try PlannedResolution.measured(plan, store: store))
        #expect(r.samples == 20 && r.source.contains("9 finished runs"))
        // The fixture's variants gain a constant 3 points per cell index on every sample and seed: no spread
        // at either level, so one seed resolves 1 point.
        #expect(r.seedSD < 1e-9 && r.sampleSD < 1e-9 && r.seedsToResolve(1) == 1)
        #expect(PlannedResolution.defaults(samples: 400).render(plannedSeeds: 3, metric: .mIoU)
                    .contains("default spreads (no finished runs with per-sample results yet)"))
    }
}
