/// A cell of the 3×3 grid that absolute position phrases refer to (row 0 = top, column 0 = left).
struct GridCell: Equatable {
    var row: Int, col: Int

    /// The cell containing the point `(x, y)` of an image of side `size`.
    init(x: Double, y: Double, size: Int) {
        let third = Double(size) / 3
        row = min(2, max(0, Int(y / third))); col = min(2, max(0, Int(x / third)))
    }
    init(row: Int, col: Int) { self.row = row; self.col = col }
}

/// How precisely an absolute phrase locates the target.
enum PositionGranularity { case column, row, cell }

/// RRSIS-D-style wording: position phrases and expression templates in which object words and
/// position words interleave ("the large storage tank on the top left", "vehicle located at the
/// bottom of the image", "the ship next to the bridge").
enum ExpressionTemplates {
    static func rowWord(_ row: Int, _ rng: inout SeededRandom) -> String {
        row == 0 ? rng.pick(["top", "upper"]) : rng.pick(["bottom", "lower"])
    }
    static func colWord(_ col: Int) -> String { col == 0 ? "left" : "right" }

    /// A prepositional phrase naming `cell` at `granularity` (column needs col 0/2, row needs row 0/2).
    static func position(_ cell: GridCell, _ granularity: PositionGranularity, _ rng: inout SeededRandom) -> String {
        var phrase: String
        switch granularity {
        case .column:
            let w = colWord(cell.col)
            phrase = rng.pick(["on the \(w)", "on the \(w) side", "at the \(w) edge", "on the far \(w)"])
        case .row:
            let w = rowWord(cell.row, &rng)
            phrase = rng.pick(["at the \(w)", "on the \(w) side", "in the \(w) part", "at the \(w) edge"])
        case .cell:
            switch (cell.row, cell.col) {
            case (1, 1):
                phrase = rng.pick(["in the middle", "in the center", "at the center", "in the central part"])
            case (1, _):
                return position(cell, .column, &rng)
            case (_, 1):
                return position(cell, .row, &rng)
            default:
                let core = "\(rowWord(cell.row, &rng)) \(colWord(cell.col))"
                phrase = rng.pick(["at the \(core)", "in the \(core) corner", "on the \(core)", "in the \(core) part"])
            }
        }
        if rng.chance(0.25) { phrase += " of the image" }
        return phrase
    }

    static func article(for words: String) -> String {
        guard let first = words.first else { return "a" }
        return "aeio".contains(first) ? "an" : "a"
    }

    /// `object` is the category with any attribute ("large storage tank"); `position` may be nil.
    static func absolute(object: String, position: String?, _ rng: inout SeededRandom) -> String {
        let a = article(for: object)
        guard let p = position else {
            return rng.pick(["the \(object)", "\(object)", "\(a) \(object)", "there is \(a) \(object)"])
        }
        return rng.pick(["the \(object) \(p)", "\(object) \(p)", "the \(object) located \(p)",
                         "the \(object) that is \(p)", "there is \(a) \(object) \(p)", "\(a) \(object) \(p)"])
    }

    /// "the vehicle next to the bridge" and variations.
    static func relative(object: String, anchor: String, _ rng: inout SeededRandom) -> String {
        rng.pick(["the \(object) next to the \(anchor)", "the \(object) near the \(anchor)",
                  "\(object) beside the \(anchor)", "the \(object) close to the \(anchor)",
                  "the \(object) that is next to the \(anchor)"])
    }
}
