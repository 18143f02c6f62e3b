import Declarations
import Experiment
import RunStore
import Statistics

/// Renders a `ReportTable` as GitHub-flavoured markdown (`table.md`): title, description, the table with
/// the best mean per ranked column in bold, and notes that say what the numbers are.
public enum MarkdownReport {
    public static func render(_ table: ReportTable) -> String {
        var out = "# \(table.title ?? table.specName)\n\n"
        if let d = table.description, !d.isEmpty { out += d + "\n\n" }
        let header = ["Variant"] + table.sweptKeys + ["Seeds"] + table.columns.map(\.title)
        out += "| " + header.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + ([":---"] + table.sweptKeys.map { _ in "---:" } + ["---:"] + table.columns.map { _ in "---:" }).joined(separator: "|") + "|\n"
        let best = table.columns.map { table.best($0) }
        for (i, row) in table.rows.enumerated() {
            var cells = [escape(row.name) + (row.isBaseline ? " (baseline)" : "")] + row.swept.map(escape)
                + ["\(row.finishedSeeds.count)/\(row.plannedSeeds.count)"]
            for (c, column) in table.columns.enumerated() {
                let text = table.text(row: row, column: column)
                cells.append(best[c].contains(i) ? "**\(text)**" : text)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n" + (table.notes ?? notes(table)) + "\n"
        if table.rows.contains(where: { !$0.paired.isEmpty }) { out += "\n" + pairedSection(table) }
        return out
    }

    /// `## Δ vs baseline, every metric`: one row per variant, each metric's paired Δ and CI, and P(Δ > 0).
    static func pairedSection(_ table: ReportTable) -> String {
        let d = table.columns.first { $0.id == table.primary.name }?.decimals ?? 2
        var out = "## Δ vs baseline, every metric\n\n"
        out += "| Variant | " + Metric.allCases.map(\.name).joined(separator: " | ") + " | P(Δ>0) " + table.primary.name + " | Seeds × samples |\n"
        out += "|:---|" + Metric.allCases.map { _ in "---:" }.joined(separator: "|") + "|---:|---:|\n"
        for row in table.rows where !row.paired.isEmpty {
            let cells = Metric.allCases.map { m in row.paired[m].map { PairedDeltas.text($0, decimals: d) } ?? "—" }
            let primary = row.paired[table.primary]
            out += "| " + ([escape(row.name)] + cells + [primary.map { Format.fixed($0.pImprove, 2) } ?? "—",
                                                         primary.map { "\($0.seeds) × \($0.samples)" } ?? "—"]).joined(separator: " | ") + " |\n"
        }
        return out + "\nPercentage points, variant − baseline; \(PairedDeltas.method). P(Δ>0): share of resamples where the "
            + "variant beats the baseline. A difference is resolved only when its interval excludes 0.\n"
    }

    /// What the numbers mean, in one paragraph (shared with the terminal rendering).
    public static func notes(_ table: ReportTable) -> String {
        if table.hasPairedDeltas {
            return "Metrics in percent on the \(table.split) split (checkpoint: \(table.checkpoint), chosen on val), "
                + "mean ± sample std over seeds; Δ \(table.primary.name) in points vs the baseline with its \(PairedDeltas.method); "
                + "P(Δ>0) the share of resamples where the variant beats the baseline (rows without per-sample results fall back to "
                + "the 2-standard-error rule: ~ within noise, † a single seed); best mean per column in bold (highest quality, "
                + "lowest cost; a timing only when it beats every other row beyond 2 standard errors of seed noise). Params and GMACs of one forward pass at batch 1 and the evaluation resolution (FLOPs = 2 × MACs)."
        }
        return "Metrics in percent on the \(table.split) split (checkpoint: \(table.checkpoint), chosen on val), "
            + "mean ± sample std over seeds; Δ \(table.primary.name) in points vs the baseline "
            + "(~ within 2 standard errors of seed noise, † a single seed: neither is evidence of a difference); "
            + "best mean per column in bold (highest quality, lowest cost; a timing only when it beats every other row beyond "
            + "2 standard errors of seed noise). Params and GMACs of one forward pass "
            + "at batch 1 and the evaluation resolution (FLOPs = 2 × MACs)."
    }

    /// Escapes characters that would break a table cell.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// Renders a `ReportTable` as CSV per RFC 4180 (`table.csv`): CRLF line endings, fields quoted when they
/// hold a comma, quote, CR or LF (quotes doubled). Numbers are unrounded to 6 decimals in display units;
/// besides mean and std, each column carries every seed's value (`mIoU seed 0`, …); empty = no value. With paired
/// intervals, every metric adds `<metric> delta`, `<metric> ci_low`, `<metric> ci_high` (percentage points) and
/// `<metric> p_improve` (a fraction), empty on the baseline row.
public enum CSVReport {
    public static func render(_ table: ReportTable) -> String {
        var header = ["variant"] + table.sweptKeys + ["baseline", "seeds finished", "seeds planned"]
        let paired = table.rows.contains { !$0.paired.isEmpty }
        for column in table.columns {
            if column.id == ReportTable.pImproveColumn { continue }   // in the paired columns below
            if column.id == ReportTable.deltaColumn { header.append(column.title); continue }
            header += ["\(column.title) mean", "\(column.title) std"] + table.seeds.map { "\(column.title) seed \($0)" }
        }
        if paired { header += Metric.allCases.flatMap { m in ["delta", "ci_low", "ci_high", "p_improve"].map { "\(m.name) \($0)" } } }
        var lines = [header.map(field).joined(separator: ",")]
        for row in table.rows {
            var fields = [row.name] + row.swept + [row.isBaseline ? "true" : "false", String(row.finishedSeeds.count), String(row.plannedSeeds.count)]
            for column in table.columns where column.id != ReportTable.pImproveColumn {
                let stats = row.cells[column.id]
                if column.id == ReportTable.deltaColumn { fields.append(number(stats?.mean)); continue }
                fields += [number(stats?.mean), number(stats?.std)]
                fields += table.seeds.map { seed in number(stats?.values.first { $0.seed == seed }?.value) }
            }
            if paired {
                fields += Metric.allCases.flatMap { m -> [String] in
                    let d = row.paired[m]
                    return [number(d?.delta), number(d?.low), number(d?.high), number(d?.pImprove)]
                }
            }
            lines.append(fields.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One RFC 4180 field.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ x: Double?) -> String { x.map { Format.fixed($0, 6) } ?? "" }
}

/// Renders a `ReportTable` for the terminal: aligned columns, best values in ANSI bold when `ansi`
/// (a terminal), marked with `*` otherwise (CI logs).
public enum TerminalReport {
    public static func render(_ table: ReportTable, ansi: Bool) -> String {
        let best = table.columns.map { table.best($0) }
        var rows = [["Variant"] + table.sweptKeys + ["Seeds"] + table.columns.map(\.title)]
        for (i, row) in table.rows.enumerated() {
            var cells = [row.name + (row.isBaseline ? " (baseline)" : "")] + row.swept + ["\(row.finishedSeeds.count)/\(row.plannedSeeds.count)"]
            for (c, column) in table.columns.enumerated() {
                let text = table.text(row: row, column: column)
                cells.append(best[c].contains(i) ? (ansi ? "\u{1B}[1m\(text)\u{1B}[0m" : "*" + text) : text)
            }
            rows.append(cells)
        }
        return "\(table.title ?? table.specName)\n" + TextTable.render(rows, rightAligned: Set(1..<(table.sweptKeys.count + table.columns.count + 2)), ansi: ansi) + "\n"
            + (table.notes ?? MarkdownReport.notes(table)).replacingOccurrences(of: "in bold", with: ansi ? "in bold" : "marked *") + "\n"
    }
}
