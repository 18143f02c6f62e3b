import Declarations
import Experiment
import RRSISModels
import RunStore
import Statistics

/// Accumulates RRSIS metrics over a split, batch by batch, overall and broken down by sample tags.
///
/// Predictions follow the official FIANet code: the predicted class of a pixel is the argmax over its two
/// class logits (background, target); on a tie the argmax picks the first, background. A single-channel
/// logit map is the same rule with the background logit fixed at 0 (target iff logit > 0). Targets are
/// masks with 0 = background and anything else = target.
public struct SegmentationEvaluator: Sendable {
    /// All samples.
    public private(set) var overall = IoUAccumulator()
    /// Per tag, keyed `"name=value"` (`"scale=small"`, `"positionNeeded=true"`, `"category=ship"`).
    public private(set) var byTag: [String: IoUAccumulator] = [:]
    /// Every sample added with an id, in the order added (split left empty; see `sampleResults(split:)`).
    private var perSample: [SampleResult] = []

    public init() {}

    /// Adds one sample from a binary prediction (`true`/nonzero = target).
    /// - Parameters:
    ///   - prediction, target: one value per pixel, same length.
    ///   - tags: the sample's breakdown tags (`["scale": "small", "category": "ship"]`).
    public mutating func add<P: Collection, T: Collection>(prediction: P, target: T, tags: [String: String] = [:])
    where P.Element: BinaryInteger, T.Element: BinaryInteger {
        precondition(prediction.count == target.count, "SegmentationEvaluator: prediction has \(prediction.count) pixels, target \(target.count)")
        var i = 0, u = 0
        for (p, t) in zip(prediction, target) {
            let pf = p != 0, tf = t != 0
            if pf && tf { i += 1 }
            if pf || tf { u += 1 }
        }
        add(intersection: i, union: u, tags: tags)
    }

    /// Adds one sample from two-class logits laid out channel-major, `[2, pixels]` (background logits then
    /// target logits), as a slice of a `[B, 2, H, W]` output.
    public mutating func add(classLogits: ArraySlice<Float>, target: ArraySlice<UInt8>, tags: [String: String] = [:], id: String? = nil) {
        let n = target.count
        precondition(classLogits.count == 2 * n, "SegmentationEvaluator: \(classLogits.count) logits for \(n) pixels; expected [2, \(n)]")
        let b = classLogits.startIndex, t = target.startIndex
        var i = 0, u = 0
        for k in 0..<n {
            let pf = classLogits[b + n + k] > classLogits[b + k]
            let tf = target[t + k] != 0
            if pf && tf { i += 1 }
            if pf || tf { u += 1 }
        }
        add(intersection: i, union: u, tags: tags, id: id)
    }

    /// Adds one sample from a single target-logit map (target iff logit > 0), `[pixels]`.
    public mutating func add(logits: ArraySlice<Float>, target: ArraySlice<UInt8>, tags: [String: String] = [:]) {
        precondition(logits.count == target.count, "SegmentationEvaluator: \(logits.count) logits for \(target.count) pixels")
        add(prediction: logits.lazy.map { $0 > 0 ? 1 : 0 as UInt8 }, target: target, tags: tags)
    }

    /// Adds a batch of two-class logits `[B, 2, H, W]` (flattened) with targets `[B, H, W]` and one tag
    /// dictionary and one sample id per sample (or none; samples with an id are kept for `sampleResults`).
    public mutating func addBatch(classLogits: [Float], targets: [UInt8], batch: Int, tags: [[String: String]] = [], ids: [String] = []) {
        precondition(batch > 0 && targets.count % batch == 0, "SegmentationEvaluator: \(targets.count) target pixels do not split into \(batch) samples")
        precondition(tags.isEmpty || tags.count == batch, "SegmentationEvaluator: \(tags.count) tag sets for a batch of \(batch)")
        precondition(ids.isEmpty || ids.count == batch, "SegmentationEvaluator: \(ids.count) sample ids for a batch of \(batch)")
        let n = targets.count / batch
        for s in 0..<batch {
            add(classLogits: classLogits[(2 * n * s)..<(2 * n * (s + 1))], target: targets[(n * s)..<(n * (s + 1))],
                tags: tags.isEmpty ? [:] : tags[s], id: ids.isEmpty ? nil : ids[s])
        }
    }

    /// Adds a batch of single-channel logits `[B, 1, H, W]` (flattened) with targets `[B, H, W]`.
    public mutating func addBatch(logits: [Float], targets: [UInt8], batch: Int, tags: [[String: String]] = []) {
        precondition(batch > 0 && targets.count % batch == 0 && logits.count == targets.count,
                     "SegmentationEvaluator: \(logits.count) logits and \(targets.count) target pixels for a batch of \(batch)")
        precondition(tags.isEmpty || tags.count == batch, "SegmentationEvaluator: \(tags.count) tag sets for a batch of \(batch)")
        let n = targets.count / batch
        for s in 0..<batch {
            add(logits: logits[(n * s)..<(n * (s + 1))], target: targets[(n * s)..<(n * (s + 1))], tags: tags.isEmpty ? [:] : tags[s])
        }
    }

    /// Adds a sample by its intersection and union directly; with an `id`, the sample is also kept for
    /// `sampleResults(split:)`.
    public mutating func add(intersection: Int, union: Int, tags: [String: String] = [:], id: String? = nil) {
        overall.add(intersection: intersection, union: union)
        for (name, value) in tags { byTag["\(name)=\(value)", default: IoUAccumulator()].add(intersection: intersection, union: union) }
        if let id {
            perSample.append(SampleResult(split: "", sampleID: id, intersection: intersection, union: union,
                                          tags: tags.map { "\($0.key)=\($0.value)" }.sorted()))
        }
    }

    /// The samples added with an id, as `sample_results` rows of `split`, in the order added.
    public func sampleResults(split: String) -> [SampleResult] {
        perSample.map { var r = $0; r.split = split; return r }
    }

    /// The metrics as store rows for `split`: the whole split (tag `nil`), then each tag in sorted order.
    public func metricValues(split: String) -> [MetricValue] {
        overall.values.map { MetricValue(split: split, name: $0.metric.name, value: $0.value) }
            + byTag.keys.sorted().flatMap { tag in
                byTag[tag]!.values.map { MetricValue(split: split, name: $0.metric.name, tag: tag, value: $0.value) }
                    + [MetricValue(split: split, name: "samples", tag: tag, value: Double(byTag[tag]!.count))]
            }
    }
}
