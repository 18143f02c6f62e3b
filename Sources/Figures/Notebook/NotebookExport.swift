import Declarations
import Experiment
import Foundation
import Reporting
import RunStore
import Statistics

/// The notebook of a spec (`notebooks-export/<spec>.ipynb`): title, description and the spec itself; the
/// paper-style table; a first code cell that loads the spec's runs and metrics from the SQLite store into pandas
/// DataFrames; then one section per figure (curves, per-step loss, learning rate, bars, deltas, breakdown by tag,
/// qualitative panel): a markdown cell embedding the report's PNG as an attachment — so running the notebook
/// keeps every figure — and a code cell that loads the numbers behind it.
///
/// The code uses only `sqlite3` and `pandas`, opens the store read-only by a path relative to the notebook, and
/// keeps only the runs the spec plans now (as the tables do), so it runs unchanged in Jupyter from its folder.
public enum NotebookExport {
    /// Builds the notebook.
    /// - Parameters:
    ///   - table, breakdown: the report's tables (`ReportBuilder`, `BreakdownBuilder`).
    ///   - figures: `ReportPlots.render`'s figures, embedded in the order given.
    ///   - storeFromNotebook: the store's path relative to the notebook's folder.
    public static func build(_ plan: Plan, table: ReportTable, breakdown: ReportTable?, figures: [ReportPlots.Rendered],
                             storeFromNotebook: String) -> Notebook {
        let spec = plan.spec
        var intro = "# \(spec.name)\n\n"
        if let d = spec.description, !d.isEmpty { intro += d + "\n\n" }
        intro += "Exported by `ablate export-notebook` from the results database `\(storeFromNotebook)` (relative to this notebook): "
            + "\(table.rows.map(\.finishedSeeds.count).reduce(0, +)) of \(plan.runs.count) planned runs finished. "
            + "The code cells use only `sqlite3` and `pandas`; run them from this folder.\n\n"
            + "## Spec\n\n```json\n" + PrettyJSON.render(spec.document) + "\n```\n"
        var cells: [Notebook.Cell] = [
            .markdown(id: "title", source: intro),
            .markdown(id: "results-table", source: demoted(MarkdownReport.render(table))),
            .code(id: "load-data", source: PythonCells.load(plan, storeFromNotebook: storeFromNotebook), outputs: []),
        ]
        for figure in figures {
            let stem = String(figure.file.prefix { $0 != "." })
            var text = "## \(figure.caption)\n\n"
            if stem == "breakdown", let breakdown { text += demoted(MarkdownReport.render(breakdown), levels: 2) + "\n" }
            text += "![\(spec.name): \(figure.caption)](attachment:\(figure.file))\n\n"
            text += "The figure is `\(figure.file)` in the spec's results folder, as `ablate report` drew it. The cell below loads "
                + "the numbers behind it.\n"
            cells.append(.markdown(id: stem + "-text", source: text, attachments: [Notebook.Attachment(name: figure.file, png: figure.png)]))
            cells.append(.code(id: stem, source: PythonCells.source(for: stem, plan: plan), outputs: []))
        }
        return Notebook(cells: cells)
    }

    /// Markdown with every heading `levels` deeper (a rendered table's `#` title under the notebook's own).
    static func demoted(_ markdown: String, levels: Int = 1) -> String {
        markdown.components(separatedBy: "\n").map { $0.hasPrefix("#") ? String(repeating: "#", count: levels) + $0 : $0 }
            .joined(separator: "\n")
    }

    /// `file`'s path relative to `folder` (both resolved against the working directory and standardised):
    /// `relativePath(from: "notebooks-export", to: "Results/fiabench.sqlite")` → `../Results/fiabench.sqlite`.
    public static func relativePath(from folder: String, to file: String) -> String {
        func components(_ path: String) -> [String] {
            URL(fileURLWithPath: path).standardizedFileURL.pathComponents.filter { $0 != "/" }
        }
        let from = components(folder), to = components(file)
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
    }
}

/// The Python of the notebook's code cells: `sqlite3` and `pandas` only.
enum PythonCells {
    /// The first code cell: opens the store read-only and loads the spec's finished runs and their metrics.
    static func load(_ plan: Plan, storeFromNotebook: String) -> String {
        let keys = plan.runs.map { "    " + python($0.runKey) + "," }.joined(separator: "\n")
        return """
            import sqlite3

            import pandas as pd

            # The results database, relative to this notebook; opened read-only.
            DATABASE = \(python(storeFromNotebook))
            SPEC = \(python(plan.spec.name))
            SPLIT = \(python(plan.spec.report.split))
            PRIMARY = \(python(plan.spec.report.primary.name))
            # The runs the spec plans now. Runs of earlier versions of the spec (other epochs, components or data)
            # share its name but not these keys: they are left out, as in the report's tables.
            RUN_KEYS = [
            \(keys)
            ]

            uri = "file:" + DATABASE.replace("%", "%25").replace("?", "%3F").replace("#", "%23") + "?mode=ro"
            con = sqlite3.connect(uri, uri=True)
            runs = pd.read_sql_query("SELECT * FROM runs WHERE spec_name = ? ORDER BY cell_index, seed", con, params=(SPEC,))
            runs = runs[runs["run_key"].isin(RUN_KEYS) & (runs["status"] == "finished")]
            metrics = pd.read_sql_query(
                "SELECT m.run_key, r.cell_index, r.cell_name, r.seed, m.split, m.name, m.tag, m.value "
                "FROM metrics m JOIN runs r USING (run_key) WHERE r.spec_name = ?", con, params=(SPEC,))
            metrics = metrics[metrics["run_key"].isin(runs["run_key"])]
            # The table: metrics in percent, mean and sample std over seeds, one row per variant.
            METRICS = \(python(Metric.allCases.map(\.name)))
            overall = metrics[(metrics["split"] == SPLIT) & metrics["tag"].isna() & metrics["name"].isin(METRICS)]
            summary = (overall.assign(value=100 * overall["value"])
                       .pivot_table(index=["cell_index", "cell_name"], columns="name", values="value", aggfunc=["mean", "std"])
                       .reindex(columns=METRICS, level="name"))
            summary

            """
    }

    /// The cell that loads the numbers behind figure `stem` (`curves`, `bars`, `deltas`, `breakdown`, `qualitative`).
    static func source(for stem: String, plan: Plan) -> String {
        switch stem {
        case "curves":
            return """
                # Per variant and epoch, over seeds: training loss (mean per step) and val mIoU (percent).
                curves = pd.read_sql_query(
                    "SELECT c.run_key, r.cell_index, r.cell_name, r.seed, c.epoch, c.split, c.loss, c.miou, c.oiou "
                    "FROM curves c JOIN runs r USING (run_key) WHERE r.spec_name = ?", con, params=(SPEC,))
                curves = curves[curves["run_key"].isin(runs["run_key"])]
                by_epoch = ["cell_index", "cell_name", "epoch"]
                train_loss = curves[curves["split"] == "train"].groupby(by_epoch)["loss"].agg(["mean", "min", "max"])
                val = curves[curves["split"] == "val"]
                val_miou = val.assign(miou=100 * val["miou"]).groupby(by_epoch)["miou"].agg(["mean", "min", "max"])
                pd.concat({"train loss": train_loss, "val mIoU (%)": val_miou}, axis=1)

                """
        case "steps":
            return """
                # Per variant and step, over seeds: the training loss of the step's batch and the learning rate it used.
                steps = pd.read_sql_query(
                    "SELECT s.run_key, r.cell_index, r.cell_name, r.seed, s.step, s.epoch, s.loss, s.lr "
                    "FROM steps s JOIN runs r USING (run_key) WHERE r.spec_name = ?", con, params=(SPEC,))
                steps = steps[steps["run_key"].isin(runs["run_key"])]
                steps.groupby(["cell_index", "cell_name", "step"])["loss"].agg(["mean", "min", "max"])

                """
        case "lr":
            return """
                # The learning rate of each step, per variant (the schedule does not depend on the seed).
                lr = pd.read_sql_query(
                    "SELECT s.run_key, r.cell_index, r.cell_name, r.seed, s.step, s.lr "
                    "FROM steps s JOIN runs r USING (run_key) WHERE r.spec_name = ?", con, params=(SPEC,))
                lr = lr[lr["run_key"].isin(runs["run_key"])]
                lr.pivot_table(index="step", columns="cell_name", values="lr", aggfunc="first")

                """
        case "bars":
            return """
                # mIoU and oIoU per variant (percent): mean, sample std and number of seeds.
                iou = overall[overall["name"].isin(["mIoU", "oIoU"])]
                iou.assign(value=100 * iou["value"]).groupby(["cell_index", "cell_name", "name"])["value"].agg(["mean", "std", "count"])

                """
        case "breakdown":
            return """
                # The primary metric per sample tag (percent), mean over seeds: one row per tag, one column per variant.
                tagged = metrics[(metrics["split"] == SPLIT) & metrics["tag"].notna() & (metrics["name"] == PRIMARY)]
                tagged.assign(value=100 * tagged["value"]).pivot_table(index="tag", columns="cell_name", values="value", aggfunc="mean")

                """
        case "deltas":
            return """
                # Per-sample results (sample_results): each run's metrics recomputed from its samples, then the observed
                # Δ of seed means vs the baseline (percent points). The intervals in the figure come from the paired
                # two-level bootstrap of Sources/Harness/Stats/PairedBootstrap.swift (2000 resamples, seed 20261201).
                BASELINE = \(python(plan.spec.baseline))
                samples = pd.read_sql_query(
                    "SELECT s.run_key, r.cell_index, r.cell_name, r.seed, s.sample_id, s.intersection, s.union_px, s.iou "
                    "FROM sample_results s JOIN runs r USING (run_key) WHERE r.spec_name = ? AND s.split = ?", con, params=(SPEC, SPLIT))
                samples = samples[samples["run_key"].isin(runs["run_key"])]
                per_run = samples.groupby(["cell_index", "cell_name", "seed"]).apply(
                    lambda g: pd.Series({"mIoU": 100 * g["iou"].mean(), "oIoU": 100 * g["intersection"].sum() / max(g["union_px"].sum(), 1)}))
                means = per_run.groupby(["cell_index", "cell_name"]).mean()
                means - means.xs(BASELINE, level="cell_name").iloc[0]

                """
        case "qualitative":
            return """
                # The kept test predictions: per-sample IoU (percent) of each variant's run with the spec's first seed.
                FIRST_SEED = \(plan.spec.seeds.first ?? 0)
                kept = pd.read_sql_query(
                    "SELECT p.run_key, r.cell_index, r.cell_name, r.seed, p.sample_index, p.sample_id, p.width, p.height, p.iou "
                    "FROM predictions p JOIN runs r USING (run_key) WHERE r.spec_name = ? AND p.split = 'test'", con, params=(SPEC,))
                kept = kept[kept["run_key"].isin(runs["run_key"]) & (kept["seed"] == FIRST_SEED)]
                kept.assign(iou=100 * kept["iou"]).pivot_table(index=["sample_index", "sample_id"], columns="cell_name", values="iou")

                """
        default:
            return "# \(stem): no data cell.\n"
        }
    }

    /// A Python string literal (JSON escapes are valid Python escapes).
    static func python(_ s: String) -> String { CanonicalJSON.quote(s) }

    /// A Python list of string literals.
    static func python(_ list: [String]) -> String { "[" + list.map(python).joined(separator: ", ") + "]" }
}
