import Experiment
import RRSISData

/// Reference points of a spec's synthetic benchmark, accumulated exactly as a model's evaluation is (README,
/// "Reference points"): what a model earns by segmenting the named category alone, and what a perfectly
/// grounded model can reach through the decoder's coarse output.
public enum ReferencePoints {
    /// The category oracle (`SyntheticGenerator.categoryOracle`) over every sample of `split` of the spec's
    /// synthetic dataset, overall and per tag.
    /// - Throws: `RunDataError.notSynthetic` for data on disk (its scenes' other objects are not labelled).
    public static func categoryOracle(_ spec: AblationSpec, split: Split = .test) throws -> SegmentationEvaluator {
        guard let config = try RunData.syntheticConfig(spec) else {
            throw RunDataError.notSynthetic(kind: spec.dataset.kind.rawValue, spec: spec.file, what: "the category oracle")
        }
        var evaluator = SegmentationEvaluator()
        for index in 0..<config.count(of: split) {
            let r = SyntheticGenerator.categoryOracle(config, split: split, index: index)
            evaluator.add(intersection: r.intersection, union: r.union, tags: r.tags.breakdown)
        }
        return evaluator
    }

    /// The stride-`stride` head ceiling (`HeadCeiling`; 4 is the LAVT decoder's output stride) over every
    /// sample of `split` of the spec's synthetic dataset, overall and per tag.
    /// - Throws: `RunDataError.notSynthetic` for data on disk.
    public static func headCeiling(_ spec: AblationSpec, split: Split = .test, stride: Int = 4) throws -> SegmentationEvaluator {
        guard let config = try RunData.syntheticConfig(spec) else {
            throw RunDataError.notSynthetic(kind: spec.dataset.kind.rawValue, spec: spec.file, what: "the head ceiling")
        }
        var evaluator = SegmentationEvaluator()
        for index in 0..<config.count(of: split) {
            let r = SyntheticGenerator.headCeiling(config, split: split, index: index, stride: stride)
            evaluator.add(intersection: r.intersection, union: r.union, tags: r.tags.breakdown)
        }
        return evaluator
    }
}
