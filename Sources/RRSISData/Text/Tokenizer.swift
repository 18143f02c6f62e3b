import Foundation

/// Word-level tokenisation: lower-cases and splits on every character that is not a letter or a digit
/// (so punctuation and hyphens separate words: "top-left," → ["top", "left"]).
public enum Tokenizer {
    /// The words of `text`, lower-cased, in order.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else if !current.isEmpty { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

/// An expression encoded to a fixed length `L`.
public struct EncodedText: Equatable, Sendable {
    /// `L` token ids; positions past the expression hold `Vocabulary.padID` (0).
    public var ids: [Int32]
    /// `L` flags, 1 for a word, 0 for padding.
    public var paddingMask: [Float]
    /// The words kept (at most `L`), before id lookup.
    public var words: [String]
}

/// Word vocabulary built from the training split: id 0 is `<pad>`, id 1 is `<unk>`, then words by
/// decreasing frequency (ties alphabetical), so the same training text gives the same ids.
/// Saved with the run as JSON: `{"format": "fiabench-vocabulary", "version": 1, "tokens": [...]}`.
public struct Vocabulary: Equatable, Sendable {
    public static let pad = "<pad>", unk = "<unk>"
    public static let padID: Int32 = 0, unkID: Int32 = 1

    /// Token strings by id.
    public let tokens: [String]
    private let index: [String: Int32]

    /// Wraps an explicit token list (must start with `<pad>`, `<unk>`).
    public init(tokens: [String]) throws {
        guard tokens.count >= 2, tokens[0] == Vocabulary.pad, tokens[1] == Vocabulary.unk else {
            throw DataError.invalidParameter(name: "vocabulary tokens", value: "\(tokens.prefix(2))",
                                             expected: "a list starting with \"<pad>\", \"<unk>\"")
        }
        self.tokens = tokens
        var index: [String: Int32] = [:]
        for (i, t) in tokens.enumerated() where index[t] == nil { index[t] = Int32(i) }
        self.index = index
    }

    /// Builds from `expressions` (the training split's), keeping words seen at least `minCount` times,
    /// plus `reserved` words (by default the flip partners of position words, so a flipped "left"
    /// always has "right" to become).
    public init(building expressions: [String], minCount: Int = 1, reserved: [String] = PositionWords.allFlipWords) {
        var counts: [String: Int] = [:]
        for e in expressions { for w in Tokenizer.words(e) { counts[w, default: 0] += 1 } }
        var words = counts.filter { $0.value >= minCount }.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map(\.key)
        let present = Set(words)
        words += reserved.filter { !present.contains($0) }.sorted()
        try! self.init(tokens: [Vocabulary.pad, Vocabulary.unk] + words)
    }

    /// Number of tokens including `<pad>` and `<unk>` (the embedding table size).
    public var count: Int { tokens.count }

    /// The id of `word` (`unkID` if absent).
    public func id(_ word: String) -> Int32 { index[word] ?? Vocabulary.unkID }

    /// Tokenises `text`, keeps the first `maxLength` words and pads to `maxLength`.
    public func encode(_ text: String, maxLength: Int) -> EncodedText {
        encode(words: Tokenizer.words(text), maxLength: maxLength)
    }

    /// Encodes already tokenised words.
    public func encode(words: [String], maxLength: Int) -> EncodedText {
        let kept = Array(words.prefix(maxLength))
        var ids = [Int32](repeating: Vocabulary.padID, count: maxLength)
        var mask = [Float](repeating: 0, count: maxLength)
        for (i, w) in kept.enumerated() { ids[i] = id(w); mask[i] = 1 }
        return EncodedText(ids: ids, paddingMask: mask, words: kept)
    }

    private struct File: Codable { var format: String; var version: Int; var tokens: [String] }

    /// Writes the vocabulary as JSON.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        do { try encoder.encode(File(format: "fiabench-vocabulary", version: 1, tokens: tokens)).write(to: url, options: .atomic) } catch {
            throw DataError.writeFailed(path: url.path, detail: error.localizedDescription)
        }
    }

    /// Reads a vocabulary written by `save`.
    public static func load(from url: URL) throws -> Vocabulary {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw DataError.missingFile(path: url.path) }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.format == "fiabench-vocabulary" else {
            throw DataError.malformedRecord(path: url.path, line: 1,
                detail: "expected a JSON object {\"format\": \"fiabench-vocabulary\", \"version\": 1, \"tokens\": [...]}")
        }
        guard file.version == 1 else {
            throw DataError.malformedRecord(path: url.path, line: 1, detail: "vocabulary version \(file.version) (this build reads 1)")
        }
        do { return try Vocabulary(tokens: file.tokens) } catch {
            throw DataError.malformedRecord(path: url.path, line: 1, detail: "tokens must start with \"<pad>\", \"<unk>\"")
        }
    }
}
