/// Splits an expression into its ground-object phrase and spatial-position phrase, as token masks.
///
/// Two grammars (`PhraseGrammar`), both with the object mask = the words of the dataset's category names
/// (`ClassList`) and a position mask that covers the whole expression when no phrase is found:
/// - `official` (the default) transcribes the official FIANet preprocessing (`data/*_refer_bert.py`): an
///   NLTK chunk grammar `PP: {<IN><DT>?<JJ.*>?<NN>} {<IN><DT>?<JJ.*>?<JJ>} {<IN><DT>?<JJ.*><VBD>}` — a
///   preposition, an optional determiner, an optional adjective, then one singular noun or adjective (at
///   most four words: "at the top left", "in the middle", "near the bridge", but not "next to the bridge",
///   where "to" is not tagged IN) — and every chunk containing the letters "of" is dropped. An expression
///   with no category word gets an **empty** object mask (the object branch then gathers exactly zero).
/// - `lexicon` (this project's earlier rule): any preposition (also "next to", "close to") followed by the
///   words up to the next function word or verb, phrases headed by "of" excluded; no category word → the
///   object mask covers the whole expression.
///
/// NLTK's tagger is not available offline, so `official` tags with a lexicon: `prepositions` are IN,
/// `determiners` DT, `adjectives` JJ, plural nouns (NNS) and words in `stoppers` end a chunk, any other
/// word is a singular noun.
public enum PhraseGrammar: String, Sendable, CaseIterable {
    /// The official FIANet chunk grammar (see `PhraseDecoupler`).
    case official
    /// Any prepositional phrase up to the next function word; no category word → whole expression.
    case lexicon
}

public struct PhraseDecoupler: Sendable {
    public let classList: ClassList
    public let grammar: PhraseGrammar

    public init(classList: ClassList, grammar: PhraseGrammar = .official) {
        self.classList = classList
        self.grammar = grammar
    }

    /// Masks over the tokenised words (`Tokenizer.words`); `positionPhrases` are the word ranges found.
    public struct Result: Equatable, Sendable {
        /// The tokenised expression.
        public var words: [String]
        /// True for ground-object words (no class name: all false with `official`, all true with `lexicon`).
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
        if grammar == .lexicon, !object.contains(true) { object = [Bool](repeating: true, count: words.count) }
        let phrases = grammar == .official ? PhraseDecoupler.officialChunks(words) : PhraseDecoupler.prepositionalPhrases(words)
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

    /// Words NLTK tags as adjectives (JJ/JJR/JJS) among those referring expressions use.
    static let adjectives: Set<String> = [
        "top", "upper", "lower", "left", "right", "far", "central", "middle", "large", "small", "big", "little",
        "long", "short", "wide", "narrow", "tall", "dark", "bright", "white", "black", "red", "green", "blue",
        "gray", "grey", "yellow", "brown", "orange", "round", "square", "rectangular", "circular", "other",
        "first", "second", "third", "last", "leftmost", "rightmost", "topmost", "bottommost", "uppermost",
        "lowermost", "northern", "southern", "eastern", "western", "nearest", "closest", "largest", "smallest",
        "biggest", "next", "close", "adjacent", "main", "whole", "entire", "same", "single",
    ]
    /// Words NLTK tags IN besides the lexicon's prepositions ("to" is TO, not IN).
    static let officialPrepositions: Set<String> = prepositions.subtracting(["to", "nearby"]).union(["with", "for", "of", "like"])
    /// Cardinal numbers (CD): they fit no slot of the grammar.
    static let numbers: Set<String> = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

    /// The official chunk grammar over lexicon tags: IN DT? JJ? (NN | JJ), longest match first; chunks
    /// containing the letters "of" dropped. Returns word ranges.
    static func officialChunks(_ words: [String]) -> [Range<Int>] {
        func isNoun(_ w: String) -> Bool {          // NN (singular): not a function word, not plural
            !officialPrepositions.contains(w) && !determiners.contains(w) && !stoppers.contains(w) && !adjectives.contains(w)
                && !numbers.contains(w) && w.first?.isLetter == true
                && !(w.count > 3 && w.hasSuffix("s") && !["ss", "us", "is"].contains(where: { w.hasSuffix($0) }))
        }
        func isContent(_ w: String) -> Bool { !officialPrepositions.contains(w) && (adjectives.contains(w) || isNoun(w)) }
        var chunks: [Range<Int>] = []
        var i = 0
        while i < words.count {
            guard officialPrepositions.contains(words[i]) else { i += 1; continue }
            var j = i + 1
            if j < words.count, determiners.contains(words[j]) { j += 1 }
            var end: Int?
            if j + 1 < words.count, adjectives.contains(words[j]), isContent(words[j + 1]) {
                end = j + 2                                    // IN DT? JJ (NN | JJ)
            } else if j < words.count, isContent(words[j]) {
                end = j + 1                                    // IN DT? (NN | JJ)
            }
            guard let e = end else { i += 1; continue }
            if !words[i..<e].joined(separator: " ").contains("of") { chunks.append(i..<e) }
            i = e
        }
        return chunks
    }

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
