import Declarations
import Experiment
import Foundation

/// Small-sample statistics for comparing seeds: Welch's unequal-variance t-test, Student's t
/// distribution through the regularized incomplete beta function, and the median.
public enum SeedStats {
    /// Result of Welch's t-test of `b` against `a`.
    public struct Welch: Equatable, Sendable {
        /// `mean(b) − mean(a)`.
        public var difference: Double
        /// `difference / √(s²a/na + s²b/nb)`; ±∞ when both samples have no spread and the means differ, 0 when they agree.
        public var t: Double
        /// Welch–Satterthwaite degrees of freedom (`na + nb − 2` when both variances are zero).
        public var degreesOfFreedom: Double
        /// Two-sided p-value: `P(|T| ≥ |t|)` under equal means.
        public var p: Double
    }

    /// Arithmetic mean (`nan` for no values).
    public static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Sample variance, n − 1 in the denominator (`nan` for fewer than two values).
    public static func variance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = mean(x)
        return x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)
    }

    /// Median (mean of the two middle values for an even count; `nan` for no values).
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Welch's t-test of `b` against `a`; `nil` unless both have at least two values.
    public static func welch(_ a: [Double], _ b: [Double]) -> Welch? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let na = Double(a.count), nb = Double(b.count)
        let va = variance(a) / na, vb = variance(b) / nb
        let difference = mean(b) - mean(a)
        let se2 = va + vb
        // Deterministic seeds (zero spread on both sides): any difference is certain, none is no evidence.
        guard se2 > 0 else {
            let same = difference == 0
            return Welch(difference: difference, t: same ? 0 : (difference > 0 ? .infinity : -.infinity),
                         degreesOfFreedom: na + nb - 2, p: same ? 1 : 0)
        }
        let t = difference / se2.squareRoot()
        let df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1))
        return Welch(difference: difference, t: t, degreesOfFreedom: df, p: twoSidedP(t: t, degreesOfFreedom: df))
    }

    /// `P(|T| ≥ |t|)` for Student's t with `df` degrees of freedom: `I_{df/(df+t²)}(df/2, 1/2)`.
    public static func twoSidedP(t: Double, degreesOfFreedom df: Double) -> Double {
        guard t.isFinite else { return 0 }
        return regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t))
    }

    /// Student's t cumulative distribution function `P(T ≤ t)`.
    public static func studentCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let tail = twoSidedP(t: t, degreesOfFreedom: df) / 2
        return t >= 0 ? 1 - tail : tail
    }

    /// The regularized incomplete beta function `I_x(a, b)` for `a, b > 0`, `0 ≤ x ≤ 1`, by Lentz's continued
    /// fraction (Numerical Recipes §6.4), using the symmetry `I_x(a,b) = 1 − I_{1−x}(b,a)` where it converges faster.
    public static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        precondition(a > 0 && b > 0, "incomplete beta needs positive shape parameters")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logPowers - logBeta
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a, b, x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(b, a, 1 - x) / b
    }

    private static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m), m2 = 2 * m
            // Even step, then odd step, of the continued fraction.
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
