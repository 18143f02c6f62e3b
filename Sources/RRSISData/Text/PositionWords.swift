/// A mirror axis of the image.
public enum FlipAxis: Sendable {
    /// Mirror left↔right (columns reversed).
    case horizontal
    /// Mirror top↔bottom (rows reversed).
    case vertical
}

/// Position words and their mirror images: flipping an image must rewrite its expression, or "the
/// tank on the left" would label a tank now on the right.
public enum PositionWords {
    /// Pairs swapped by a horizontal flip.
    public static let horizontalPairs: [(String, String)] = [
        ("left", "right"), ("leftmost", "rightmost"), ("leftward", "rightward"), ("west", "east"),
        ("western", "eastern"), ("northwest", "northeast"), ("southwest", "southeast"),
    ]
    /// Pairs swapped by a vertical flip.
    public static let verticalPairs: [(String, String)] = [
        ("top", "bottom"), ("upper", "lower"), ("above", "below"), ("topmost", "bottommost"),
        ("uppermost", "lowermost"), ("north", "south"), ("northern", "southern"),
        ("northwest", "southwest"), ("northeast", "southeast"),
    ]

    static func table(_ axis: FlipAxis) -> [String: String] {
        var t: [String: String] = [:]
        for (a, b) in axis == .horizontal ? horizontalPairs : verticalPairs { t[a] = b; t[b] = a }
        return t
    }
    static let horizontalTable = table(.horizontal)
    static let verticalTable = table(.vertical)

    /// Every word that a flip can produce.
    public static let allFlipWords: [String] = Array(Set((horizontalPairs + verticalPairs).flatMap { [$0.0, $0.1] })).sorted()

    /// `words` with each position word replaced by its mirror image across `axis`.
    public static func flip(_ words: [String], axis: FlipAxis) -> [String] {
        let t = axis == .horizontal ? horizontalTable : verticalTable
        return words.map { t[$0] ?? $0 }
    }

    /// The tokenised, flipped expression joined by single spaces.
    public static func flip(text: String, axis: FlipAxis) -> String {
        flip(Tokenizer.words(text), axis: axis).joined(separator: " ")
    }
}

extension Vocabulary {
    /// `table[id]` is the id of the mirror word of token `id` across `axis` (itself for other words);
    /// a mirror word missing from the vocabulary maps to `<unk>`.
    public func flipTable(_ axis: FlipAxis) -> [Int32] {
        let t = axis == .horizontal ? PositionWords.horizontalTable : PositionWords.verticalTable
        return tokens.enumerated().map { i, word in t[word].map { id($0) } ?? Int32(i) }
    }
}
