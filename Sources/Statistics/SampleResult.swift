import Declarations
import Experiment

/// One evaluated sample of one run (`sample_results` table): what every paired statistic is recomputed from.
public struct SampleResult: Equatable, Sendable {
    /// `"val"` or `"test"`.
    public var split: String
    /// The sample's id in its dataset (the pairing key across runs).
    public var sampleID: String
    /// Intersection and union of prediction and ground truth, pixels at the evaluation resolution (`0 ≤ I ≤ U`).
    public var intersection: Int
    public var union: Int
    /// The sample's breakdown tags as `"name=value"` (`"scale=small"`, `"positionNeeded=true"`), sorted.
    public var tags: [String]

    public init(split: String, sampleID: String, intersection: Int, union: Int, tags: [String] = []) {
        precondition(intersection >= 0 && intersection <= union, "SampleResult \(sampleID): intersection \(intersection) must lie in 0…union (\(union))")
        self.split = split; self.sampleID = sampleID; self.intersection = intersection; self.union = union; self.tags = tags
    }

    /// `I / U`, 0 when `U = 0` (empty prediction on an empty target), as `IoUAccumulator` counts it.
    public var iou: Double { union == 0 ? 0 : Double(intersection) / Double(union) }
}
