import Experiment
import Runner
import Statistics

/// `ablate-bench oracle [SPEC]`: the category oracle's metrics on the spec's synthetic test split, overall and
/// per tag — the score a model earns by segmenting the named category alone — and the stride-4 head ceiling,
/// what a perfectly grounded model reaches through the LAVT decoder's coarse output (README, "Reference points").
/// Not a timing: the figures are exact and change only with the generator or the spec's dataset section.
enum OracleBench {
    static func run(specPath: String) throws {
        let spec = try SpecLoader().load(specPath)
        try table("Category oracle: \(spec.name), test split", ReferencePoints.categoryOracle(spec, split: .test))
        try table("Stride-4 head ceiling: \(spec.name), test split", ReferencePoints.headCeiling(spec, split: .test, stride: 4))
    }

    private static func table(_ title: String, _ evaluator: SegmentationEvaluator) {
        var report = Report(title: title, header: ["group", "samples", "mIoU", "oIoU", "Pr@0.5"])
        func add(_ group: String, _ a: IoUAccumulator) {
            report.add(group, "\(a.count)", fmt(100 * a.mIoU, 2), fmt(100 * a.oIoU, 2), fmt(100 * a.precision(at: .pr50), 2))
        }
        add("all", evaluator.overall)
        for key in evaluator.byTag.keys.sorted() where !key.hasPrefix("category=") { add(key, evaluator.byTag[key]!) }
        report.publish()
    }
}
