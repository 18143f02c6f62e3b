import Declarations
import Experiment
import RunStore
import Statistics

/// Renders a `Comparison` as markdown: a verdict line, then improved / regressed / unchanged /
/// insufficient seeds / missing sections, each a table.
public enum ComparisonReport {
    /// Section order, as the summary reads.
    static let sections: [(Verdict, String)] = [
        (.improved, "Improved"), (.regressed, "Regressed"), (.unchanged, "Unchanged"),
        (.insufficientSeeds, "Insufficient seeds"), (.missing, "Missing"),
    ]

    public static func markdown(_ c: Comparison) -> String {
        let o = c.options
        var out = "# Comparison \(short(c.base)) → \(short(c.head))\n\n"
        out += "- Base `\(c.base)`, head `\(c.head)`; \(c.matchedRuns) run pair\(c.matchedRuns == 1 ? "" : "s") matched by spec, config hash and seed.\n"
        out += "- Quality (split `\(o.split)`, points): Welch's t-test over seeds, changed when p < \(Format.fixed(o.alpha, 3)) "
            + "and |Δ| ≥ \(Format.fixed(o.minEffectPoints, 2)) pt; fewer than 2 seeds on a side is not decided.\n"
        out += "- Costs (params, MACs; total and per component) must match exactly; bigger is a regression.\n"
        out += "- Timings: median over every epoch (train s/step) or seed (infer ms/image), changed beyond "
            + "±\(Format.fixed(100 * o.timingThreshold, 1))%; fewer than \(CompareOptions.minimumTimingSamples) samples on a side "
            + "is not decided; slower is a regression.\n"
        if c.dirtyRuns > 0 {
            out += "- ⚠ \(c.dirtyRuns) of the compared runs were made with uncommitted changes: their commit does not fully describe their code.\n"
        }
        out += "\n"
        out += "**\(outcome(c))** (exit \(c.exitCode))\n"
        for (verdict, title) in sections {
            let rows = c.findings.filter { $0.verdict == verdict }
            out += "\n## \(title) (\(rows.count))\n\n"
            if rows.isEmpty { out += "None.\n"; continue }
            out += "| Spec | Cell | Kind | Measure | Base | Head | Change | Evidence |\n|---|---|---|---|--:|--:|--:|---|\n"
            for f in rows {
                out += "| " + [f.spec, f.cell, f.kind.rawValue, f.measure, f.base, f.head, f.change, f.evidence]
                    .map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    /// The one-line verdict matching `exitCode`.
    public static func outcome(_ c: Comparison) -> String {
        switch c.exitCode {
        case 1: return "Regression in quality or cost"
        case 2: return "Timing regression only"
        case 3: return "Nothing to compare: no run finished at both commits"
        default: return "No regression"
        }
    }

    static func short(_ sha: String) -> String { String(sha.prefix(7)) }
}
