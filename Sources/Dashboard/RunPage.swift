import Declarations
import Experiment
import Figures
import Foundation
import Reporting
import RunStore
import Statistics

/// One run's page: provenance, its curves, metrics, costs, config, and its qualitative panel.
struct RunPage {
    var run: StoredRun
    var curves: [CurvePoint]
    var metrics: [MetricValue]
    var costs: [CostRecord]
    /// The file name of the run's qualitative panel (a PNG beside the page), nil when it kept no predictions.
    var qualitativeFile: String?

    /// `run-<key>.html`, the key reduced to letters, digits, `-` and `_`.
    static func fileName(_ runKey: String) -> String { "run-\(DashboardSite.slug(runKey)).html" }

    static func load(_ run: StoredRun, store: ResultStore) throws -> RunPage {
        let key = run.record.runKey
        return RunPage(run: run, curves: try store.curves(runKey: key), metrics: try store.metrics(runKey: key),
                       costs: try store.costs(runKey: key), qualitativeFile: nil)
    }

    /// Training loss and validation mIoU per epoch; nil without curves.
    var curvesFigure: Figure? {
        let loss = curves.filter { $0.split == "train" }.compactMap { p in p.loss.map { LinePoint(x: Double(p.epoch), y: $0) } }
        let miou = curves.filter { $0.split == "val" }.compactMap { p in p.mIoU.map { LinePoint(x: Double(p.epoch), y: 100 * $0) } }
        guard !loss.isEmpty || !miou.isEmpty else { return nil }
        let colour = Palette.colour(run.record.cellIndex)
        var panels: [any ChartPanel] = []
        if !loss.isEmpty { panels.append(LineChart(title: "Training loss", xLabel: "epoch", yLabel: "loss", series: [LineSeries(name: "train", colour: colour, points: loss)])) }
        if !miou.isEmpty { panels.append(LineChart(title: "Validation mIoU", xLabel: "epoch", yLabel: "mIoU (%)", series: [LineSeries(name: "val", colour: colour, points: miou)])) }
        return Figure(title: "\(run.record.cellName), seed \(run.record.seed): curves", legend: [], rows: [FigureRow(panels)], width: 1100, rowHeight: 360)
    }

    var html: String {
        let r = run.record
        var body = HTML.table(header: ["Run", ""], text: [
            ["Run key", r.runKey], ["Spec", r.specName], ["Variant", r.cellName], ["Seed", "\(r.seed)"], ["Status", run.status.rawValue],
            ["Commit", (r.commit ?? "—") + (r.dirty == true ? " (uncommitted changes)" : "")], ["Host", "\(r.host), \(r.cores) cores, \(r.threads) threads"],
            ["Toolchain", r.toolchain], ["Started", "\(r.startedAt)"], ["Finished", run.finishedAt.map { "\($0)" } ?? "—"],
        ] + (run.error.map { [["Error", $0]] } ?? []))
        if let figure = curvesFigure { body += "<h2>Curves</h2>\n" + HTML.figure(figure.svgSurface().element, caption: "Per-epoch training loss and validation mIoU.") }
        let whole = metrics.filter { $0.tag == nil }
        if !whole.isEmpty {
            // Quality metrics are stored as fractions and shown in percent; other values (the selected epoch) as stored.
            body += "<h2>Metrics</h2>\n" + HTML.table(header: ["Split", "Metric", "Value"], text: whole.map { m in
                [m.split, m.name, Metric(rawValue: m.name) == nil ? Format.fixed(m.value, 0) : Format.fixed(100 * m.value, 2) + " %"]
            })
        }
        if !costs.isEmpty {
            body += "<h2>Costs</h2>\n" + HTML.table(header: ["Component", "Params", "MACs", "Train s/step", "Train s/epoch", "Infer ms/image", "Peak memory (MB)"],
                                                    text: costs.map { c in
                [c.component, c.params.map { "\($0)" } ?? "—", c.macs.map { "\($0)" } ?? "—", c.trainSecondsPerStep.map { Format.fixed($0, 3) } ?? "—",
                 c.trainSecondsPerEpoch.map { Format.fixed($0, 1) } ?? "—", c.inferenceMsPerImage.map { Format.fixed($0, 2) } ?? "—",
                 c.peakMemoryBytes.map { Format.fixed(Double($0) / 1_048_576, 1) } ?? "—"]
            })
        }
        if let qualitativeFile {
            body += "<h2>Qualitative</h2>\n<figure><img src=\"\(qualitativeFile)\" alt=\"predicted masks of \(HTML.escape(r.cellName))\">"
                + "<figcaption>Green: ground truth; red: this run's predicted mask; IoU in percent.</figcaption></figure>\n"
        }
        body += "<h2>Config</h2>\n<pre><code>\(HTML.escape(Self.pretty(r.config)))</code></pre>\n"
        body += "<p><a href=\"\(SpecPage.fileName(r.specName))\">All runs of \(HTML.escape(r.specName))</a></p>\n"
        return HTML.page(title: "\(r.specName) / \(r.cellName) / seed \(r.seed)", body: body)
    }

    /// JSON indented with sorted keys; the text as stored if it does not parse.
    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
