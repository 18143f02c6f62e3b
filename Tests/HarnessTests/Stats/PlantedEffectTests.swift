import Foundation
import Testing
@testable import Harness

/// Synthetic per-sample results with a planted effect of known size, for coverage and power checks.
///
/// Sample j has a latent difficulty `p_j ~ U(0.25, 0.75)` and a union `U_j ~ U(200, 2000)` pixels, independent
/// of `p_j`. Run (side, seed s) scores IoU `p_j + seedShift_s + side·effect + noise_sj` with
/// - `seedShift_s ~ U(−seedSpread, seedSpread)`, shared by both sides (same seed, same initialisation);
/// - `noise_sj ~ U(−0.1, 0.1)`, independent per run and sample;
/// and intersection `round(U_j × IoU)`. IoUs stay inside (0, 1), so the true difference of every
/// seed-and-sample expectation of mIoU and oIoU is `effect` (up to rounding, < 1/400 of a point).
enum Planted {
    static func matrices(seeds: Int, samples: Int, effect: Double, seedSpread: Double = 0.02,
                         generator: UInt64) -> (SampleMatrix, SampleMatrix) {
        var rng = BootstrapRNG(seed: generator)
        func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * Double(rng.next() >> 11) / Double(1 << 53) }
        let p = (0..<samples).map { _ in uniform(0.25, 0.75) }
        let u = (0..<samples).map { _ in Int(uniform(200, 2000)) }
        let shift = (0..<seeds).map { _ in uniform(-seedSpread, seedSpread) }
        func side(_ gain: Double) -> SampleMatrix {
            var i: [Int] = []
            for s in 0..<seeds {
                for j in 0..<samples {
                    let iou = p[j] + shift[s] + gain + uniform(-0.1, 0.1)
                    i.append(Int((Double(u[j]) * iou).rounded()))
                }
            }
            return SampleMatrix(seeds: seeds, samples: samples, intersection: i, union: (0..<seeds).flatMap { _ in u })
        }
        return (side(0), side(effect))
    }
}

@Suite("Paired bootstrap on planted effects")
struct PlantedEffectTests {
    @Test("the 95% interval covers a planted 1-point effect in about 95% of 200 repetitions (mIoU and oIoU)")
    func coverage() {
        // 200 repetitions: the binomial standard error of a 95% coverage is 1.5 points, so the accepted band
        // 89%–99.5% is four standard errors below and past the ceiling above — a broken interval (one level
        // too narrow, e.g. seed-only or sample-only resampling) falls well outside it.
        let repetitions = 200
        var covered: [Metric: Int] = [.mIoU: 0, .oIoU: 0]
        let bootstrap = PairedBootstrap(resamples: 400)
        for r in 0..<repetitions {
            let (base, variant) = Planted.matrices(seeds: 3, samples: 60, effect: 0.01, generator: UInt64(1000 + r))
            let d = bootstrap.compare(baseline: base, variant: variant, metrics: [.mIoU, .oIoU])
            for m in [Metric.mIoU, .oIoU] where d[m]!.low <= 0.01 && 0.01 <= d[m]!.high { covered[m]! += 1 }
        }
        for m in [Metric.mIoU, .oIoU] {
            let rate = Double(covered[m]!) / Double(repetitions)
            #expect(rate >= 0.89 && rate <= 0.995, "\(m.name) coverage \(rate)")
        }
    }

    @Test("paired resolves a planted 1-point effect that Welch over seed means does not")
    func pairedBeatsWelch() {
        // Three seeds whose shifts (±3 points, shared by both sides) dwarf the effect: seed means overlap.
        let (base, variant) = Planted.matrices(seeds: 3, samples: 300, effect: 0.01, seedSpread: 0.03, generator: 5)
        let d = PairedBootstrap().compare(baseline: base, variant: variant, metrics: [.mIoU])[.mIoU]!
        #expect(d.isResolved && d.low > 0, "paired interval [\(d.low), \(d.high)]")
        let welch = SeedStats.welch((0..<3).map { base.value(.mIoU, seed: $0) }, (0..<3).map { variant.value(.mIoU, seed: $0) })!
        #expect(welch.p > 0.05, "Welch p \(welch.p)")
        // The old 2-SE rule on the same seed means also calls it noise.
        #expect(abs(welch.t) < 2)
    }
}
