import Experiment
import RRSISData

/// The bootstrap's random numbers: SplitMix64 (Steele, Lea & Flood 2014; the data layer's `SplitMix64`),
/// chosen because it is tiny, fast and easy to reimplement bit for bit (the numpy reference in the tests
/// does), so a table's confidence intervals are reproducible anywhere from the seed alone.
///
/// `index(below: n)` is `next() % n`; the modulo bias is below `n / 2^64` (negligible for seeds and samples).
public struct BootstrapRNG: Sendable {
    private var mix: SplitMix64

    public init(seed: UInt64) { mix = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { mix.next() }

    /// A uniform index in `0..<n` (`n > 0`).
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "BootstrapRNG.index(below:) needs n > 0")
        return Int(next() % UInt64(n))
    }
}
