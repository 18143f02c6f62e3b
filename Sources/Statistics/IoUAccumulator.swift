import Declarations
import Experiment

/// Running IoU statistics of a group of samples, as the RRSIS literature and the official LAVT/FIANet
/// evaluation compute them:
/// - per sample, `IoU = I / U`, and `IoU = 0` when `U = 0` (empty prediction on an empty target);
/// - overall IoU `oIoU = ΣI / ΣU` over the group (0 when ΣU = 0);
/// - mean IoU `mIoU = mean(IoU)`;
/// - `Pr@t` = share of samples with `IoU ≥ t`, for t = 0.5, 0.6, 0.7, 0.8, 0.9.
public struct IoUAccumulator: Equatable, Sendable {
    /// Cumulative intersection and union, pixels.
    public private(set) var intersection = 0
    public private(set) var union = 0
    /// Samples seen.
    public private(set) var count = 0
    private var iouSum = 0.0
    /// Samples at or above each threshold of `Metric.precisions`.
    private var atLeast = [Int](repeating: 0, count: Metric.precisions.count)

    public init() {}

    /// Adds one sample's intersection and union (pixels).
    public mutating func add(intersection i: Int, union u: Int) {
        precondition(i >= 0 && i <= u, "IoUAccumulator: intersection \(i) must lie in 0…union (\(u))")
        intersection += i
        union += u
        count += 1
        let iou = u == 0 ? 0 : Double(i) / Double(u)
        iouSum += iou
        for (k, metric) in Metric.precisions.enumerated() where iou >= metric.threshold! { atLeast[k] += 1 }
    }

    /// `ΣI / ΣU`, 0 when nothing was predicted or labelled.
    public var overallIoU: Double { union == 0 ? 0 : Double(intersection) / Double(union) }
    /// Mean per-sample IoU, 0 for an empty group.
    public var meanIoU: Double { count == 0 ? 0 : iouSum / Double(count) }
    /// `overallIoU`, by its metric name.
    public var oIoU: Double { overallIoU }
    /// `meanIoU`, by its metric name.
    public var mIoU: Double { meanIoU }

    /// Share of samples with IoU ≥ `threshold` (one of 0.5 … 0.9).
    public func precision(at metric: Metric) -> Double {
        guard let k = Metric.precisions.firstIndex(of: metric) else {
            preconditionFailure("IoUAccumulator.precision(at:) takes a Pr@ metric, not \(metric.name)")
        }
        return count == 0 ? 0 : Double(atLeast[k]) / Double(count)
    }

    /// Every metric of `Metric.allCases` as a fraction.
    public var values: [(metric: Metric, value: Double)] {
        Metric.allCases.map { m in
            switch m {
            case .oIoU: return (m, overallIoU)
            case .mIoU: return (m, meanIoU)
            default: return (m, precision(at: m))
            }
        }
    }
}
