/// "Did you mean" suggestions for misspelt keys, component names and choices.
public enum Suggestion {
    /// Optimal-string-alignment distance (Damerau–Levenshtein restricted to adjacent transpositions),
    /// compared case-insensitively: insertions, deletions, substitutions and swaps each cost 1.
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }

    /// The closest candidate to `word`, when it is close enough to be a plausible typo: distance at most
    /// max(1, ⌊length/3⌋) (so "epochz" → "epochs", but "lr" does not suggest "seed"), or `word` is a
    /// case-insensitive prefix of exactly one candidate ("batch" → "batchSize"). Ties go to the first candidate.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        guard !word.isEmpty else { return nil }
        let limit = max(1, word.count / 3)
        var best: (name: String, distance: Int)?
        for c in candidates {
            let d = distance(word, c)
            if d <= limit, best.map({ d < $0.distance }) ?? true { best = (c, d) }
        }
        if let best { return best.name }
        let prefixed = candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }
}
