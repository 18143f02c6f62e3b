import Declarations
import Experiment
import Foundation
import Reporting

/// The dashboard's HTML: one stylesheet inlined in every page (no external file, no network), escaping, tables.
enum HTML {
    /// Text as HTML character data or attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A complete page: `title` as heading, a navigation line back to the index, then `body`.
    static func page(title: String, body: String, isIndex: Bool = false) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · FIABench</title>
        <style>\(stylesheet)</style>
        </head>
        <body>
        <nav>\(isIndex ? "FIABench dashboard" : "<a href=\"index.html\">FIABench dashboard</a>")</nav>
        <h1>\(escape(title))</h1>
        \(body)
        </body>
        </html>

        """
    }

    static let stylesheet = """
        body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}\
        nav{font-size:.9em;margin-bottom:.5em}table{border-collapse:collapse;margin:.5em 0 1em;display:block;overflow-x:auto}\
        th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:left}\
        th{background:#f3f3f3}td.regressed{background:#fde2e1}td.improved{background:#e1f5e8}\
        figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption,.note{color:#666;font-size:.9em}\
        pre{background:#f6f6f6;padding:.6em;overflow-x:auto}code{font-size:.95em}
        """

    /// A table with a header row; cells are already HTML (`escape` them first), each optionally with a class.
    static func table(header: [String], rows: [[(html: String, cssClass: String?)]]) -> String {
        var out = "<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            out += "<tr>" + row.map { c in "<td\(c.cssClass.map { " class=\"\($0)\"" } ?? "")>\(c.html)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// A table of plain text cells.
    static func table(header: [String], text rows: [[String]]) -> String {
        table(header: header, rows: rows.map { $0.map { (escape($0), nil) } })
    }

    /// A spec's paper table as `table.md` shows it: variant, seeds, every column (best mean in bold), then its notes.
    static func paperTable(_ table: ReportTable) -> String {
        let best = table.columns.map { table.best($0) }
        let rows = table.rows.enumerated().map { i, row -> [(html: String, cssClass: String?)] in
            [(escape(row.name + (row.isBaseline ? " (baseline)" : "")), nil), ("\(row.finishedSeeds.count)/\(row.plannedSeeds.count)", nil)]
                + table.columns.enumerated().map { c, column in
                    let text = escape(table.text(row: row, column: column))
                    return (best[c].contains(i) ? "<b>\(text)</b>" : text, nil)
                }
        }
        return self.table(header: ["Variant", "Seeds"] + table.columns.map(\.title), rows: rows)
            + "<p class=\"note\">\(escape(table.notes ?? MarkdownReport.notes(table)))</p>\n"
    }

    /// An inline SVG figure with a caption.
    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\n\(svg)\n<figcaption>\(escape(caption))</figcaption>\n</figure>\n"
    }
}
