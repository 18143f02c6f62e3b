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
        try accumulate(spec, split: split, what: "the category oracle") { config, index in
            SyntheticGenerator.categoryOracle(config, split: split, index: index)
        }
    }

    /// The stride-`stride` head ceiling (`HeadCeiling`; 4 is the LAVT decoder's output stride) over every
    /// sample of `split` of the spec's synthetic dataset, overall and per tag.
    /// - Throws: `RunDataError.notSynthetic` for data on disk.
    public static func headCeiling(_ spec: AblationSpec, split: Split = .test, stride: Int = 4) throws -> SegmentationEvaluator {
        try accumulate(spec, split: split, what: "the head ceiling") { config, index in
            SyntheticGenerator.headCeiling(config, split: split, index: index, stride: stride)
        }
    }

    /// Adds `score(config, index)` of every sample of `split` to an evaluator.
    private static func accumulate(_ spec: AblationSpec, split: Split, what: String,
                                   _ score: (SyntheticConfig, Int) -> (intersection: Int, union: Int, tags: SampleTags))
        throws -> SegmentationEvaluator {
        guard let config = try RunData.syntheticConfig(spec) else {
            throw RunDataError.notSynthetic(kind: spec.dataset.kind.rawValue, spec: spec.file, what: what)
        }
        var evaluator = SegmentationEvaluator()
        for index in 0..<config.count(of: split) {
            let r = score(config, index)
            evaluator.add(intersection: r.intersection, union: r.union, tags: r.tags.breakdown)
        }
        return evaluator
    }
}
