import Testing
import Experiment
import RRSISData
@testable import Runner

/// The category oracle as `ablate-bench oracle` reports it (README, "Reference points").
struct ReferencePointsTests {
    /// Accumulated as a model's evaluation is: its mean IoU is the mean of the per-sample oracle IoUs
    /// (recomputed here), the `cue=category` samples score exactly 1, and the others pull the mean below 1.
    @Test func categoryOracleAccumulatesEveryTestSample() throws {
        let spec = try Fixtures.alignment()
        let config = try #require(try RunData.syntheticConfig(spec))
        let evaluator = try ReferencePoints.categoryOracle(spec)
        let ious = (0..<config.testCount).map { i -> Double in
            let r = SyntheticGenerator.categoryOracle(config, split: .test, index: i)
            return Double(r.intersection) / Double(r.union)
        }
        #expect(evaluator.overall.count == config.testCount && config.testCount == 50)
        #expect(abs(evaluator.overall.mIoU - ious.reduce(0, +) / Double(ious.count)) < 1e-12)
        #expect(evaluator.byTag["cue=category"]?.mIoU == 1)
        #expect(evaluator.overall.mIoU < 0.95 && evaluator.overall.mIoU > 0.3, "\(evaluator.overall.mIoU)")
        #expect((evaluator.byTag["positionNeeded=true"]?.mIoU ?? 1) < 0.7)
    }

    /// The head ceiling, likewise: the per-sample mean recomputed, below 1 at the decoder's stride 4 (small
    /// targets lose most), exactly 1 at stride 1.
    @Test func headCeilingAccumulatesEveryTestSample() throws {
        let spec = try Fixtures.alignment()
        let config = try #require(try RunData.syntheticConfig(spec))
        let evaluator = try ReferencePoints.headCeiling(spec)
        let ious = (0..<config.testCount).map { i -> Double in
            let r = SyntheticGenerator.headCeiling(config, split: .test, index: i, stride: 4)
            return Double(r.intersection) / Double(r.union)
        }
        #expect(evaluator.overall.count == 50)
        #expect(abs(evaluator.overall.mIoU - ious.reduce(0, +) / Double(ious.count)) < 1e-12)
        #expect(evaluator.overall.mIoU < 0.95 && evaluator.overall.mIoU > 0.5, "\(evaluator.overall.mIoU)")
        let small = try #require(evaluator.byTag["scale=small"]?.mIoU), large = try #require(evaluator.byTag["scale=large"]?.mIoU)
        #expect(small < large, "small \(small), large \(large)")
        #expect(try ReferencePoints.headCeiling(spec, stride: 1).overall.mIoU == 1)
    }

    @Test func dataOnDiskHasNoCategoryOracle() throws {
        var spec = try Fixtures.alignment()
        spec.dataset.kind = .refsegrs
        #expect(throws: RunDataError.self) { try ReferencePoints.categoryOracle(spec) }
        do { _ = try ReferencePoints.categoryOracle(spec); Issue.record("no error") } catch {
            #expect("\(error)".contains(#"dataset "refsegrs": the category oracle needs the synthetic benchmark"#), "\(error)")
        }
        do { _ = try ReferencePoints.headCeiling(spec); Issue.record("no error") } catch {
            #expect("\(error)".contains(#"dataset "refsegrs": the head ceiling needs the synthetic benchmark"#), "\(error)")
        }
    }
}
