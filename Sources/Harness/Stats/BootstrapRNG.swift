/// The bootstrap's random numbers: SplitMix64 (Steele, Lea & Flood 2014), chosen because it is tiny,
/// fast and easy to reimplement bit for bit (the numpy reference in the tests does), so a table's
/// confidence intervals are reproducible anywhere from the seed alone.
///
/// `index(below: n)` is `next() % n`; the modulo bias is below `n / 2^64` (negligible for seeds and samples).
public struct BootstrapRNG: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<n` (`n > 0`).
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "BootstrapRNG.index(below:) needs n > 0")
        return Int(next() % UInt64(n))
    }
}
