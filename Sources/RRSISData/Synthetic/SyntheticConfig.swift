/// Parameters of the synthetic benchmark. Same parameters → bit-identical dataset; the `fingerprint`
/// (with `SyntheticGenerator.version`) keys the on-disk cache.
public struct SyntheticConfig: Equatable, Sendable, Codable {
    /// Side of the square images, pixels (≥ 32).
    public var imageSize: Int = 64
    /// Samples per split.
    public var trainCount: Int = 2000
    public var valCount: Int = 400
    public var testCount: Int = 400
    /// Master seed; split `k`'s sample `i` draws from stream `(seed, k, i)`, so splits never share seeds.
    public var seed: UInt64 = 0

    // Difficulty knobs.
    /// Same-category distractors around the target when the sample needs disambiguation.
    public var distractors: ClosedRange<Int> = 1...2
    /// Objects of other categories added as clutter.
    public var clutter: ClosedRange<Int> = 1...3
    /// Land-cover regions in the background.
    public var backgroundRegions: ClosedRange<Int> = 3...6
    /// Per-pixel noise standard deviation (0…255 units).
    public var noise: Double = 6
    /// Relative frequency of the four kinds of samples (normalised; need not sum to 1):
    /// `position` (only the absolute position phrase picks the target among same-category instances),
    /// `relative` (only "next to the ANCHOR" does), `attribute` (size or colour does),
    /// `category` (the target is the only instance of its category).
    public var kindWeights: KindWeights = KindWeights()
    /// Probability that a sample not needing the position phrase still gets one (true but redundant), as
    /// real RRSIS-D expressions usually carry one.
    public var redundantPosition: Double = 0.5

    /// Relative frequencies of the sample kinds.
    public struct KindWeights: Equatable, Sendable, Codable {
        public var position: Double = 0.35
        public var relative: Double = 0.10
        public var attribute: Double = 0.25
        public var category: Double = 0.30
        public init(position: Double = 0.35, relative: Double = 0.10, attribute: Double = 0.25, category: Double = 0.30) {
            self.position = position; self.relative = relative; self.attribute = attribute; self.category = category
        }
    }

    public init() {}

    /// Samples in `split`.
    public func count(of split: Split) -> Int {
        switch split {
        case .train: return trainCount
        case .val: return valCount
        case .test: return testCount
        }
    }

    /// Checks ranges; the message names the parameter and what it accepts.
    public func validate() throws {
        func bad(_ name: String, _ value: Any, _ expected: String) -> DataError {
            .invalidParameter(name: name, value: "\(value)", expected: expected)
        }
        guard (32...1024).contains(imageSize) else { throw bad("imageSize", imageSize, "32…1024") }
        for (name, n) in [("trainCount", trainCount), ("valCount", valCount), ("testCount", testCount)] where n < 0 {
            throw bad(name, n, "≥ 0")
        }
        guard distractors.lowerBound >= 1, distractors.upperBound <= 3 else { throw bad("distractors", distractors, "within 1…3") }
        guard clutter.lowerBound >= 0, clutter.upperBound <= 5 else { throw bad("clutter", clutter, "within 0…5") }
        guard backgroundRegions.lowerBound >= 1, backgroundRegions.upperBound <= 12 else {
            throw bad("backgroundRegions", backgroundRegions, "within 1…12")
        }
        guard (0...60).contains(noise) else { throw bad("noise", noise, "0…60") }
        let w = kindWeights
        guard [w.position, w.relative, w.attribute, w.category].allSatisfy({ $0 >= 0 }),
              w.position + w.relative + w.attribute + w.category > 0 else {
            throw bad("kindWeights", "\(w)", "non-negative weights with a positive sum")
        }
        guard (0...1).contains(redundantPosition) else { throw bad("redundantPosition", redundantPosition, "0…1") }
    }

    /// A canonical text of every parameter (stable field order), hashed by `fingerprint`.
    public var canonicalDescription: String {
        let w = kindWeights
        return "size=\(imageSize);train=\(trainCount);val=\(valCount);test=\(testCount);seed=\(seed);"
            + "distractors=\(distractors.lowerBound)-\(distractors.upperBound);"
            + "clutter=\(clutter.lowerBound)-\(clutter.upperBound);"
            + "regions=\(backgroundRegions.lowerBound)-\(backgroundRegions.upperBound);noise=\(noise);"
            + "kinds=\(w.position),\(w.relative),\(w.attribute),\(w.category);redundant=\(redundantPosition)"
    }

    /// 16 hex digits: FNV-1a 64 of the generator version and `canonicalDescription`.
    public var fingerprint: String { fnv1a64Hex("v\(SyntheticGenerator.version);" + canonicalDescription) }
}

/// 16 lowercase hex digits of FNV-1a 64 over `text`'s UTF-8 bytes: the content keys of cached data (generated
/// datasets, pretrained encoders). A cache key, not a cryptographic hash.
public func fnv1a64Hex(_ text: String) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
