import Declarations
import Experiment
import Figures
import Foundation
import Reporting
import RunStore
import Statistics

/// One spec's page: its latest paper table and figures, every metric's history across commits, and its runs.
struct SpecPage {
    var name: String
    /// The spec file the table was built from, nil when none was found (runs and history are still shown).
    var specFile: String?
    var table: ReportTable?
    /// The commit folded into the table's run keys (`--record-commit`), nil for runs recorded without one.
    var tableCommit: String?
    var histories: [MetricHistory]
    var runs: [StoredRun]

    /// `spec-<name>.html`.
    static func fileName(_ spec: String) -> String { "spec-\(DashboardSite.slug(spec)).html" }

    /// The paper table (or why there is none), for the index and this page.
    var tableHTML: String {
        guard let table else {
            return "<p class=\"note\">No paper table: " + (specFile == nil ? "no spec file named \(HTML.escape(name)) was found."
                                                             : "no run of \(HTML.escape(specFile!)) has finished.") + "</p>\n"
        }
        let source = tableCommit.map { "Runs recorded at commit <code>\($0.prefix(7))</code> (the latest)." }
            ?? "Runs recorded without <code>--record-commit</code> (the latest)."
        return "<p class=\"note\">\(source)</p>\n" + HTML.paperTable(table)
    }

    var html: String {
        var body = specFile.map { "<p>Spec: <code>\(HTML.escape($0))</code></p>\n" } ?? ""
        body += "<h2>Paper table</h2>\n" + tableHTML
        if let table {
            for figure in [ReportPlots.bars(table), ReportPlots.deltas(table)].compactMap({ $0 }) {
                body += HTML.figure(figure.svgSurface().element, caption: figure.title)
            }
        }
        body += "<h2>History across commits</h2>\n<p class=\"note\">Runs recorded with <code>--record-commit</code>, per commit; "
            + "verdicts are those of <code>ablate compare</code> between a commit and the one before it "
            + "(Welch's t-test over seeds, or the paired bootstrap when per-sample results exist; minimum effect \(Format.fixed(CompareOptions().minEffectPoints, 1)) points).</p>\n"
        for history in histories {
            body += "<h3>\(HTML.escape(history.metric.name))</h3>\n"
            if let chart = history.chart { body += HTML.figure(chart.svgSurface().element, caption: "\(history.metric.name) by commit") }
            body += history.table
        }
        body += "<h2>Runs</h2>\n" + HTML.table(header: ["Variant", "Seed", "Status", "Commit", "Finished"], rows: runs.map { run -> [(html: String, cssClass: String?)] in
            let r = run.record
            return [("<a href=\"\(RunPage.fileName(r.runKey))\">\(HTML.escape(r.cellName))</a>", nil), ("\(r.seed)", nil), (run.status.rawValue, nil),
                    (r.commit.map { "<code>\($0.prefix(7))</code>" } ?? "—", nil), (run.finishedAt.map { HTML.escape("\($0)") } ?? "—", nil)]
        })
        return HTML.page(title: name, body: body)
    }
}
