import Testing
@testable import Reporting
import RRSISModels

struct DeltaEvidenceTests {
    static func stats(_ values: [Double]) -> SeedStatistics {
        SeedStatistics(values: values.enumerated().map { (seed: $0.offset, value: $0.element) })
    }

    @Test func classifiesAgainstTwoStandardErrors() {
        // Means 61 and 61.5; s = 1 and √0.5; se = √(1/3 + 0.5/2) = 0.764; |Δ| = 0.5 < 1.53 → noise.
        #expect(DeltaEvidence.classify(Self.stats([60, 61, 62]), Self.stats([61, 62])) == .withinNoise)
        // Means 71 and 61, se = √(1/3 + 1/3) = 0.816; |Δ| = 10 ≥ 1.63 → beyond noise.
        #expect(DeltaEvidence.classify(Self.stats([70, 71, 72]), Self.stats([60, 61, 62])) == .beyondNoise)
        // se = √(1/3 + 1/3) = 0.816: Δ = 1.7 ≥ 2·se = 1.633 is beyond noise, Δ = 1.6 is not.
        #expect(DeltaEvidence.classify(Self.stats([61.7, 62.7, 63.7]), Self.stats([60, 61, 62])) == .beyondNoise)
        #expect(DeltaEvidence.classify(Self.stats([61.6, 62.6, 63.6]), Self.stats([60, 61, 62])) == .withinNoise)
        // One seed on either side: no spread to compare with.
        #expect(DeltaEvidence.classify(Self.stats([70]), Self.stats([60, 61, 62])) == .singleSeed)
        #expect(DeltaEvidence.classify(Self.stats([70, 72]), Self.stats([60])) == .singleSeed)
    }

    @Test func marksAreRenderedAfterTheDelta() {
        #expect(DeltaEvidence.singleSeed.mark == "†")
        #expect(DeltaEvidence.withinNoise.mark == "~")
        #expect(DeltaEvidence.beyondNoise.mark == "")
    }
}
