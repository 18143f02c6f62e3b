/// SplitMix64 (Steele, Lea & Flood 2014): used to expand one 64-bit seed into well-mixed state words and
/// to derive per-sample seeds. Output for seed 0 starts 0xE220A8397B1DCDAF.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64: the only source of randomness in
/// `RRSISData`. Every derived draw (`uniform`, `int(below:)`, …) is implemented here rather than through
/// the standard library's `random(in:using:)`, whose algorithm is not guaranteed stable across Swift
/// releases: the same seed gives the same dataset on every toolchain.
public struct SeededRandom: Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is a function of `seed`.
    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s = (mix.next(), mix.next(), mix.next(), mix.next())
    }

    /// A generator for stream `index` of `seed` (e.g. sample `i` of split `k`): streams for distinct
    /// `(seed, salt, index)` are independent for all practical purposes.
    public init(seed: UInt64, salt: UInt64, index: UInt64) {
        var mix = SplitMix64(seed: seed ^ (salt &* 0xD605_BBB5_8C8A_BBCD))
        let a = mix.next()
        var mix2 = SplitMix64(seed: a ^ (index &* 0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D_4C95_7F2D)
        self.init(seed: mix2.next())
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next raw 64-bit output.
    public mutating func next() -> UInt64 {
        let result = SeededRandom.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = SeededRandom.rotl(s.3, 45)
        return result
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `[lo, hi)`.
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform integer in `0..<n` (Lemire's multiply-high; the bias for small `n` is below 2⁻⁵⁰).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "SeededRandom.int(below:) needs n > 0")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in the closed range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A uniformly chosen element (the collection must not be empty).
    public mutating func pick<C: RandomAccessCollection>(_ items: C) -> C.Element where C.Index == Int {
        items[items.startIndex + int(below: items.count)]
    }

    /// Standard normal draw (Box–Muller, one of the pair).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle in place.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(below: i + 1))
        }
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }

import Foundation
