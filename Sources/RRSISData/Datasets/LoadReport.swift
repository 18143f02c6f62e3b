/// A record a loader left out, with where it is and why.
public struct SkippedRecord: Equatable, Sendable, CustomStringConvertible {
    /// The file holding the record (manifest, phrase list).
    public var path: String
    /// 1-based line number in `path`.
    public var line: Int
    /// Why it was skipped, e.g. "image file images/x.png not found".
    public var reason: String

    public init(path: String, line: Int, reason: String) { self.path = path; self.line = line; self.reason = reason }
    public var description: String { "\(path):\(line): \(reason)" }
}

/// What a loader did: how many records it loaded, which it skipped and why.
public struct LoadReport: Equatable, Sendable, CustomStringConvertible {
    /// Records loaded successfully.
    public var loaded: Int
    /// Records left out, in file and line order.
    public var skipped: [SkippedRecord]

    public init(loaded: Int = 0, skipped: [SkippedRecord] = []) { self.loaded = loaded; self.skipped = skipped }

    /// One sentence, e.g. "loaded 120 records, skipped 3 (2 × image file not found, 1 × malformed JSON);
    /// first: manifest.jsonl:7: …".
    public var description: String {
        guard !skipped.isEmpty else { return "loaded \(loaded) records, skipped none" }
        var kinds: [String: Int] = [:]
        for s in skipped { kinds[SkippedRecord.kind(of: s.reason), default: 0] += 1 }
        let parts = kinds.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            .map { "\($0.value) × \($0.key)" }
        return "loaded \(loaded) records, skipped \(skipped.count) (\(parts.joined(separator: ", "))); first: \(skipped[0])"
    }
}

extension SkippedRecord {
    /// The reason without its record-specific details (text after the first colon), for grouping.
    static func kind(of reason: String) -> String {
        String(reason.split(separator: ":", maxSplits: 1).first ?? Substring(reason))
    }
}
