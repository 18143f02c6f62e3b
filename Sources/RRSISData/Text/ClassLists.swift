/// A dataset's category names, used to find the ground-object words of an expression.
public struct ClassList: Sendable {
    /// Dataset name, e.g. "RRSIS-D".
    public let name: String
    /// Category names as written in expressions (lower case, words separated by single spaces).
    public let classes: [String]
    /// Each class as its word sequence, longest first (so "ground track field" wins over "field").
    let sequences: [(words: [String], name: String)]

    public init(name: String, classes: [String]) {
        self.name = name
        self.classes = classes
        sequences = classes.enumerated().map { (Tokenizer.words($0.element), $0.offset, $0.element) }
            .sorted { $0.0.count > $1.0.count || ($0.0.count == $1.0.count && $0.1 < $1.1) }
            .map { (words: $0.0, name: $0.2) }
    }

    /// Whether `word` is `target` or a regular plural of it ("tanks", "buses", "ferries").
    static func matches(_ word: String, _ target: String) -> Bool {
        if word == target { return true }
        if word == target + "s" || word == target + "es" { return true }
        if target.hasSuffix("y"), word == target.dropLast() + "ies" { return true }
        return false
    }

    /// Marks the words belonging to a class-name occurrence (longest classes first; the last word may
    /// be plural). Returns one flag per word.
    public func objectMask(_ words: [String]) -> [Bool] {
        var mask = [Bool](repeating: false, count: words.count)
        for (seq, _) in sequences where !seq.isEmpty && seq.count <= words.count {
            for start in 0...(words.count - seq.count) {
                var ok = true
                for k in 0..<seq.count {
                    let w = words[start + k]
                    if !(k == seq.count - 1 ? ClassList.matches(w, seq[k]) : w == seq[k]) { ok = false; break }
                }
                if ok { for k in 0..<seq.count { mask[start + k] = true } }
            }
        }
        return mask
    }

    /// The class name occurring first in `expression` (the longest one where several start at the same
    /// word), if any: the category tag of datasets that don't annotate one. The referent is usually
    /// named first ("vehicle on the left side of the road" → "vehicle").
    public func firstMatch(in expression: String) -> String? {
        let words = Tokenizer.words(expression)
        for start in words.indices {
            for (seq, name) in sequences where !seq.isEmpty && start + seq.count <= words.count {
                let hit = (0..<seq.count).allSatisfy { k in
                    k == seq.count - 1 ? ClassList.matches(words[start + k], seq[k]) : words[start + k] == seq[k]
                }
                if hit { return name }
            }
        }
        return nil
    }
}

/// The class lists of the supported datasets.
public enum ClassLists {
    /// RRSIS-D's 20 categories (those of DIOR, from which it is built).
    public static let rrsisD = ClassList(name: "RRSIS-D", classes: [
        "airplane", "airport", "baseball field", "basketball court", "bridge", "chimney", "dam",
        "expressway service area", "expressway toll station", "golf field", "ground track field", "harbor",
        "overpass", "ship", "stadium", "storage tank", "tennis court", "train station", "vehicle", "windmill",
    ])
    /// RefSegRS's 14 categories.
    public static let refSegRS = ClassList(name: "RefSegRS", classes: [
        "road", "vehicle", "car", "van", "building", "truck", "trailer", "bus", "road marking", "bikeway",
        "sidewalk", "tree", "low vegetation", "impervious surface",
    ])
    /// The synthetic benchmark's 10 categories (a subset of RRSIS-D's).
    public static let synthetic = ClassList(name: "synthetic", classes: SyntheticCategory.allCases.map(\.name))
}
