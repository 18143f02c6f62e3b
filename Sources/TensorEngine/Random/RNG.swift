import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64): same seed, same bits, on
/// every machine. Every random choice in FIABench takes one of these explicitly.
public struct RNG: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func next() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A derived, independent generator (for a sub-task that must not shift this stream's later draws).
    public mutating func fork() -> RNG { RNG(seed: next()) }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Standard normal by Box–Muller (one draw per call; deterministic).
    public mutating func normal() -> Float {
        var u1 = Double(next() >> 11) * 0x1.0p-53
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// Normal(mean, std) truncated to the absolute interval [a, b] by rejection, as PyTorch's and timm's
    /// `trunc_normal_(tensor, mean, std, a=-2, b=2)`: the bounds are values, not multiples of `std`, so
    /// trunc-normal(std 0.02) is in effect N(0, 0.02). The interval must hold a fair share of the mass.
    public mutating func truncatedNormal(mean: Float = 0, std: Float = 1, a: Float = -2, b: Float = 2) -> Float {
        while true {
            let v = mean + std * normal()
            if v >= a && v <= b { return v }
        }
    }
}

extension Tensor {
    /// Uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout RNG,
                               requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        let t = Tensor(shape: shape) { p in for i in 0..<n { p[i] = rng.uniform(low, high) } }
        return t.requiringGrad(requiresGrad)
    }

    /// Normal(mean, std).
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RNG,
                             requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        let t = Tensor(shape: shape) { p in for i in 0..<n { p[i] = mean + std * rng.normal() } }
        return t.requiringGrad(requiresGrad)
    }

    /// Normal(mean, std) truncated to the absolute interval [a, b] (PyTorch's `trunc_normal_`).
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, std: Float = 1, a: Float = -2, b: Float = 2,
                                       rng: inout RNG, requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        let t = Tensor(shape: shape) { p in
            for i in 0..<n { p[i] = rng.truncatedNormal(mean: mean, std: std, a: a, b: b) }
        }
        return t.requiringGrad(requiresGrad)
    }
}
