import Declarations
import Experiment
import Foundation
import Reporting
import RunStore
import Statistics

/// Axis ticks at "nice" numbers (1, 2 or 5 × a power of ten), after Heckbert, "Nice numbers for graph
/// labels", Graphics Gems (1990): the axis is widened to whole steps around the data.
public struct NiceTicks: Equatable, Sendable {
    /// First and last tick: the axis range (it contains the data).
    public var lower: Double
    public var upper: Double
    /// Distance between ticks.
    public var step: Double

    /// Ticks covering `low…high` with about `count` of them (at least 2); `integer` keeps steps ≥ 1 (epochs).
    /// A degenerate range (`low == high`) is widened around the value: by ±10 % of it, ±0.5 at zero, ±1 for integers.
    public init(low: Double, high: Double, count: Int = 5, integer: Bool = false) {
        var (lo, hi) = (Swift.min(low, high), Swift.max(low, high))
        if !lo.isFinite || !hi.isFinite { (lo, hi) = (0, 1) }
        if lo == hi {
            let pad = integer ? 1 : (lo == 0 ? 0.5 : Swift.abs(lo) * 0.1)
            (lo, hi) = (lo - pad, hi + pad)
        }
        let range = Self.nice(hi - lo, round: false)
        step = Self.nice(range / Double(Swift.max(count - 1, 1)), round: true)
        if integer { step = Swift.max(step, 1) }
        lower = Self.clean((lo / step).rounded(.down) * step)
        upper = Self.clean((hi / step).rounded(.up) * step)
    }

    /// The tick values from `lower` to `upper`, computed as `lower + k · step` (no accumulated error).
    public var values: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...n).map { Self.clean(lower + Double($0) * step) }
    }

    /// Decimals that show every tick exactly: none for steps ≥ 1, one for 0.1…0.5, two for 0.01…0.05, ….
    public var decimals: Int { Swift.max(0, -Int(log10(step).rounded(.down))) }

    /// A tick value as text with `decimals` digits.
    public func label(_ value: Double) -> String { Format.fixed(value, decimals) }

    /// A nice number near `x`: the largest of 1, 2, 5, 10 × 10ᵏ not above it (`round: false`, for ranges) or
    /// the closest one (`round: true`, for steps).
    public static func nice(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = log10(x).rounded(.down), fraction = x / pow(10, exponent)
        let niceFraction: Double
        if round {
            niceFraction = fraction < 1.5 ? 1 : (fraction < 3 ? 2 : (fraction < 7 ? 5 : 10))
        } else {
            niceFraction = fraction <= 1 ? 1 : (fraction <= 2 ? 2 : (fraction <= 5 ? 5 : 10))
        }
        return niceFraction * pow(10, exponent)
    }

    /// Rounds away binary noise (`0.30000000000000004` → `0.3`) at 12 significant digits.
    static func clean(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let scale = pow(10, 12 - (log10(Swift.abs(x)).rounded(.up)))
        return (x * scale).rounded() / scale
    }
}
