import Declarations
import Foundation
import RRSISModels

/// Plain-text tables for the terminal: columns padded to their widest cell, a rule under the header.
public enum TextTable {
    /// - Parameters:
    ///   - rows: the header row first.
    ///   - rightAligned: column indices to right-align (numbers).
    ///   - ansi: cells may hold ANSI escape sequences, which take no width.
    public static func render(_ rows: [[String]], rightAligned: Set<Int> = [], ansi: Bool = false) -> String {
        guard let header = rows.first else { return "" }
        let columns = header.count
        var widths = [Int](repeating: 0, count: columns)
        func width(_ s: String) -> Int {
            ansi ? s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression).count : s.count
        }
        for row in rows { for (i, cell) in row.enumerated() where i < columns { widths[i] = max(widths[i], width(cell)) } }
        func line(_ row: [String]) -> String {
            (0..<columns).map { i in
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - width(cell))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        var out = line(header) + "\n" + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows.dropFirst() { out += line(row) + "\n" }
        return out
    }
}

extension String {
    /// The string without trailing spaces (a plain scan: a regular expression per line dominated the
    /// rendering of long tables).
    var trimmingTrailingSpaces: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
