import Foundation

/// A learning-rate schedule: a multiplier of the base learning rate as a function of the optimizer step
/// (0-based: the multiplier for the update about to be applied after `step` updates).
///
/// Each schedule may start with a linear warm-up over `warmupSteps`: the multiplier rises from
/// `warmupStart` at step 0 to 1 at step `warmupSteps` (`warmupStart + (1 − warmupStart)·step/warmup`),
/// where the main schedule begins. The main schedule then runs over the remaining
/// `totalSteps − warmupSteps` steps, at progress `τ = (step − warmup) / (total − warmup)` ∈ [0, 1]:
/// - `constant`: 1;
/// - `poly(power:)`: `(1 − τ)^power` — LAVT and its RRSIS successors use power 0.9 with no warm-up
///   (`(1 − step/total)^0.9`);
/// - `cosine(floor:)`: `floor + (1 − floor)·(1 + cos(πτ))/2`.
/// Past `totalSteps` the multiplier stays at its final value.
public struct LRSchedule: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case constant
        case poly(power: Double)
        case cosine(floor: Double)
    }

    public var shape: Shape
    public var totalSteps: Int
    public var warmupSteps: Int
    public var warmupStart: Double

    public init(_ shape: Shape, totalSteps: Int, warmupSteps: Int = 0, warmupStart: Double = 0) {
        precondition(totalSteps > 0 && warmupSteps >= 0 && warmupSteps <= totalSteps,
                     "LRSchedule: need 0 ≤ warmupSteps (\(warmupSteps)) ≤ totalSteps (\(totalSteps)), totalSteps > 0")
        self.shape = shape
        self.totalSteps = totalSteps
        self.warmupSteps = warmupSteps
        self.warmupStart = warmupStart
    }

    /// Constant learning rate (after an optional warm-up).
    public static func constant(warmupSteps: Int = 0, totalSteps: Int = 1) -> LRSchedule {
        LRSchedule(.constant, totalSteps: Swift.max(totalSteps, warmupSteps, 1), warmupSteps: warmupSteps)
    }

    /// Linear warm-up then polynomial decay to 0 (power 0.9 by default, as in LAVT-style RRSIS training).
    public static func warmupPoly(totalSteps: Int, warmupSteps: Int = 0, power: Double = 0.9, warmupStart: Double = 0) -> LRSchedule {
        LRSchedule(.poly(power: power), totalSteps: totalSteps, warmupSteps: warmupSteps, warmupStart: warmupStart)
    }

    /// Linear warm-up then half-cosine decay to `floor`.
    public static func cosine(totalSteps: Int, warmupSteps: Int = 0, floor: Double = 0, warmupStart: Double = 0) -> LRSchedule {
        LRSchedule(.cosine(floor: floor), totalSteps: totalSteps, warmupSteps: warmupSteps, warmupStart: warmupStart)
    }

    /// The multiplier of the base learning rate at `step` (computed in Double, rounded once).
    public func multiplier(at step: Int) -> Float {
        let s = Swift.max(step, 0)
        if s < warmupSteps {
            return Float(warmupStart + (1 - warmupStart) * Double(s) / Double(warmupSteps))
        }
        let span = totalSteps - warmupSteps
        let tau = span == 0 ? 1 : Swift.min(Double(s - warmupSteps) / Double(span), 1)
        switch shape {
        case .constant: return 1
        case let .poly(power): return Float(Foundation.pow(1 - tau, power))
        case let .cosine(floor):
            return Float(floor + (1 - floor) * (1 + Foundation.cos(Double.pi * tau)) / 2)
        }
    }

    /// The learning rate at `step` for a base rate.
    public func learningRate(at step: Int, base: Float) -> Float { base * multiplier(at: step) }
}
