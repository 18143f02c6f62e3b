/// Control conditions for the text side of a benchmark: each rewrites every expression of a split, in
/// training and evaluation alike, so a table can show the benchmark measures what it claims (a model that
/// loses nothing without the text, or without the position words, is not reading them).
public enum ExpressionControl: String, CaseIterable, Hashable, Sendable {
    /// Every expression replaced by the empty expression (no word at all).
    case textBlind = "text-blind"
    /// Expressions permuted across the samples of a split by a fixed permutation in which no sample keeps
    /// its own expression: the words are real, but describe another image.
    case shuffledText = "shuffled-text"
    /// The spatial-position phrases removed from every expression, found by the broad `lexicon` grammar
    /// whatever grammar the model decouples with ("on the left", "next to the bridge", "close to the tank":
    /// the official grammar misses the last two); the rest kept in order.
    case positionBlind = "position-blind"

    /// One line for listings and errors.
    public var doc: String {
        switch self {
        case .textBlind: return "every expression replaced by the empty expression"
        case .shuffledText: return "expressions permuted across images (fixed permutation, no sample keeps its own)"
        case .positionBlind: return "position phrases removed from every expression"
        }
    }

    /// Seed of the shuffled-text permutation (documented, fixed; salted per split so splits differ).
    public static let shuffleSeed: UInt64 = 0x5348_5546_4C45   // "SHUFLE"

    /// `samples` with their expressions rewritten; ids, images, masks and tags are unchanged.
    /// - Parameters: decoupler finds position phrases; split salts the shuffled-text permutation.
    public func apply(_ samples: [RRSISSample], decoupler: PhraseDecoupler, split: Split) -> [RRSISSample] {
        var out = samples
        switch self {
        case .textBlind:
            for i in out.indices { out[i].expression = "" }
        case .positionBlind:
            for i in out.indices { out[i].expression = Self.removingPositionPhrases(out[i].expression, decoupler: decoupler) }
        case .shuffledText:
            let order = Self.permutation(count: samples.count, seed: Self.shuffleSeed ^ split.salt)
            // Sample order[k] reads the expression of order[k + 1]: a cycle through a random order, so for two or
            // more samples nobody keeps their own expression.
            for k in order.indices where samples.count > 1 {
                out[order[k]].expression = samples[order[(k + 1) % order.count]].expression
            }
        }
        return out
    }

    /// The words of `expression` outside its position phrases (the `lexicon` grammar's, with `decoupler`'s
    /// class list), joined by spaces (tokenised as `Tokenizer.words`).
    public static func removingPositionPhrases(_ expression: String, decoupler: PhraseDecoupler) -> String {
        let d = PhraseDecoupler(classList: decoupler.classList, grammar: .lexicon).decouple(expression)
        var keep = [Bool](repeating: true, count: d.words.count)
        for r in d.positionPhrases { for i in r { keep[i] = false } }
        return zip(d.words, keep).filter(\.1).map(\.0).joined(separator: " ")
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates with `SplitMix64`).
    static func permutation(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count), rng = SplitMix64(seed: seed)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return order
    }
}
