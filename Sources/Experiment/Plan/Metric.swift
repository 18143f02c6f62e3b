import Declarations
import RRSISModels

/// The quality metrics of the RRSIS literature, as stored (`name` column) and reported.
///
/// Stored values are fractions in 0…1; reports print them as percentages, as papers do.
public enum Metric: String, CaseIterable, Sendable, Codable {
    /// Overall IoU: cumulative intersection over cumulative union across the split.
    case oIoU
    /// Mean IoU: mean of per-sample IoU (a sample with an empty union scores 0).
    case mIoU
    /// Share of samples with IoU ≥ 0.5 (and so on for 0.6 … 0.9).
    case pr50 = "Pr@0.5"
    case pr60 = "Pr@0.6"
    case pr70 = "Pr@0.7"
    case pr80 = "Pr@0.8"
    case pr90 = "Pr@0.9"

    /// Stored/report name (`"oIoU"`, `"Pr@0.7"`).
    public var name: String { rawValue }

    /// The IoU threshold of a precision metric.
    public var threshold: Double? {
        switch self {
        case .oIoU, .mIoU: return nil
        case .pr50: return 0.5
        case .pr60: return 0.6
        case .pr70: return 0.7
        case .pr80: return 0.8
        case .pr90: return 0.9
        }
    }

    /// The precision metrics in threshold order.
    public static let precisions: [Metric] = [.pr50, .pr60, .pr70, .pr80, .pr90]
}
