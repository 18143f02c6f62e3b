/// Splits an expression into its ground-object phrase and spatial-position phrase, as token masks,
/// following the official FIANet preprocessing:
/// - object mask: the words of the dataset's category names (`ClassList`);
/// - position mask: every prepositional phrase — a preposition, an optional determiner, then the
///   adjectives/nouns that follow ("on the top left", "in the middle", "near the bridge") — except
///   phrases headed by "of" ("… of the image" is not a position);
/// - when no class word (resp. no phrase) is found, that mask covers the whole expression.
///
/// FIANet tags with NLTK and chunks with a regular grammar; we have no tagger, so a lexicon decides:
/// prepositions start a phrase, function words and verbs end it, any other word is taken as part of
/// the noun group.
public struct PhraseDecoupler: Sendable {
    public let classList: ClassList

    public init(classList: ClassList) { self.classList = classList }

    /// Masks over the tokenised words (`Tokenizer.words`); `positionPhrases` are the word ranges found.
    public struct Result: Equatable, Sendable {
        /// The tokenised expression.
        public var words: [String]
        /// True for ground-object words (all true when no class name occurs).
        public var objectMask: [Bool]
        /// True for spatial-position words (all true when no phrase is found).
        public var positionMask: [Bool]
        public var positionPhrases: [Range<Int>]

        /// The words of each phrase joined by spaces (for tests and logs).
        public var phraseTexts: [String] { positionPhrases.map { words[$0].joined(separator: " ") } }
        public var objectWords: [String] { zip(words, objectMask).filter(\.1).map(\.0) }
    }

    /// Tokenises `text` (`Tokenizer.words`) and decouples it.
    public func decouple(_ text: String) -> Result { decouple(words: Tokenizer.words(text)) }

    /// Decouples already tokenised words; the masks have one flag per word.
    public func decouple(words: [String]) -> Result {
        var object = classList.objectMask(words)
        if !object.contains(true) { object = [Bool](repeating: true, count: words.count) }
        let phrases = PhraseDecoupler.prepositionalPhrases(words)
        var position = [Bool](repeating: phrases.isEmpty, count: words.count)
        for r in phrases { for i in r { position[i] = true } }
        return Result(words: words, objectMask: object, positionMask: position, positionPhrases: phrases)
    }

    // MARK: - Lexicon

    static let prepositions: Set<String> = [
        "on", "in", "at", "near", "beside", "besides", "by", "above", "below", "under", "over", "behind",
        "between", "along", "across", "around", "inside", "within", "among", "amongst", "beneath",
        "underneath", "alongside", "toward", "towards", "outside", "into", "onto", "upon", "beyond",
        "against", "atop", "to", "from", "nearby", "opposite",
    ]
    /// First words of two-word prepositions ending in "to": "next to", "close to", "adjacent to".
    static let toPrepositions: Set<String> = ["next", "close", "closest", "nearest", "adjacent", "closer"]
    static let determiners: Set<String> = ["the", "a", "an", "this", "that", "these", "those", "its", "their", "each", "every", "some"]
    /// Words that end a noun group: "of", conjunctions, relative pronouns, auxiliaries and the verbs of
    /// referring expressions.
    static let stoppers: Set<String> = [
        "of", "and", "or", "but", "which", "that", "who", "whose", "where", "while", "is", "are", "was",
        "were", "be", "being", "been", "located", "locates", "lies", "lie", "lying", "situated", "sits",
        "sitting", "stands", "standing", "parked", "parking", "placed", "positioned", "with", "for",
        "there", "it", "has", "have", "having", "can", "as", "than", "not", "like",
    ]

    /// Word ranges of the prepositional phrases (excluding those headed by "of").
    static func prepositionalPhrases(_ words: [String]) -> [Range<Int>] {
        var phrases: [Range<Int>] = []
        var i = 0
        while i < words.count {
            var headEnd: Int?
            if toPrepositions.contains(words[i]), i + 1 < words.count, words[i + 1] == "to" {
                headEnd = i + 2
            } else if prepositions.contains(words[i]) {
                headEnd = i + 1
            }
            guard let head = headEnd else { i += 1; continue }
            var j = head
            if j < words.count, determiners.contains(words[j]) { j += 1 }
            let contentStart = j
            while j < words.count, !stoppers.contains(words[j]), !prepositions.contains(words[j]),
                  !determiners.contains(words[j]), !(toPrepositions.contains(words[j]) && j + 1 < words.count && words[j + 1] == "to") {
                j += 1
            }
            if j > contentStart {
                phrases.append(i..<j)
                i = j
            } else {
                i = head
            }
        }
        return phrases
    }
}
