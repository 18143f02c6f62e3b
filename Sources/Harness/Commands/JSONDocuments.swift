import Declarations
import Experiment
import Foundation
import RRSISData
import RRSISModels
import Reporting
import RunStore
import Statistics

/// `--json` output of `list`, `plan`, `report`, `compare` and `history`: one JSON object per command on one
/// line, `{"schemaVersion": 1, "command": "<name>", …}`, with the same numbers as the text output, unrounded
/// (README, "JSON output", documents every field). Values without data are `null`.
public enum JSONDocuments {
    /// Raised when a field is renamed, removed or changes meaning (adding a field keeps the version).
    public static let schemaVersion = 1

    /// `ablate list --json`: components per slot, dataset kinds, the train and report keys, the controls.
    public static func list(registry: Registry = .standard) -> String {
        let slots: [JSONValue] = ComponentSlot.allCases.compactMap { slot in
            let decls = registry.declarations(for: slot)
            guard !decls.isEmpty else { return nil }
            return .object([("slot", .string(slot.rawValue)), ("components", .array(decls.map { d in
                .object([("name", .string(d.name)), ("doc", .string(d.doc)), ("parameters", parameters(d.parameters)),
                         ("rules", .array(d.constraints.map { .string($0.rule) }))])
            }))])
        }
        let datasets: [JSONValue] = SpecSections.datasets.map {
            .object([("name", .string($0.name)), ("doc", .string($0.doc)), ("parameters", parameters($0.parameters))])
        }
        let controls: [JSONValue] = ExpressionControl.allCases.map { .object([("name", .string($0.rawValue)), ("doc", .string($0.doc))]) }
        return document("list", [("slots", .array(slots)), ("datasets", .array(datasets)), ("train", parameters(SpecSections.train)),
                                 ("report", parameters(SpecSections.report)), ("controls", .array(controls))])
    }

    static func parameters(_ list: [ParameterSpec]) -> JSONValue {
        .array(list.map { p in
            .object([("name", .string(p.name)), ("type", .string(p.type.expectation)), ("required", .bool(p.defaultValue == nil)),
                     ("default", p.defaultValue?.json ?? .null), ("doc", .string(p.doc))])
        })
    }

    /// `ablate plan --json`: the runs with their status and estimates, the totals and the planned resolution.
    static func plan(_ facts: HarnessCommands.PlanFacts) -> String {
        let plan = facts.plan, spec = plan.spec
        var estimates: [Int: Estimate?] = [:]
        let runs: [JSONValue] = plan.runs.enumerated().map { index, run in
            let e = estimates[run.cell.index] ?? facts.estimate(run.cell)
            estimates[run.cell.index] = e
            return .object([("index", .int(index)), ("cell", .string(run.cell.name)), ("cellIndex", .int(run.cell.index)),
                            ("seed", .int(run.seed)), ("runKey", .string(run.runKey)),
                            ("status", .string(facts.statuses[run.runKey]?.rawValue ?? "todo")),
                            ("gmacs", number(e?.macs.map { Double($0) / 1e9 })), ("estimatedSeconds", number(e?.seconds))])
        }
        let remaining = plan.runs.filter { facts.statuses[$0.runKey] != .finished }
        let seconds = remaining.map { estimates[$0.cell.index].flatMap { $0?.seconds } }
        let r = facts.resolution, seeds = spec.seeds.count
        let resolution: JSONValue = .object([
            ("metric", .string(spec.report.primary.name)), ("seeds", .int(seeds)), ("samples", .int(r.samples)),
            ("halfWidthPoints", .double(r.halfWidth(seeds: seeds))), ("seedsToResolveOnePoint", r.seedsToResolve(1.0).map { .int($0) } ?? .null),
            ("seedSD", .double(r.seedSD)), ("sampleSD", .double(r.sampleSD)), ("source", .string(r.source)),
        ])
        return document("plan", [
            ("spec", .string(spec.name)), ("file", .string(spec.file)), ("baseline", .string(spec.baseline)),
            ("commit", string(plan.commit)), ("datasetFingerprint", .string(plan.datasetFingerprint)),
            ("variants", .int(spec.cells.count)), ("seeds", .array(spec.seeds.map { .int($0) })), ("runs", .array(runs)),
            ("done", .int(plan.runs.count - remaining.count)), ("remaining", .int(remaining.count)),
            ("estimatedSeconds", seconds.contains { $0 == nil } ? .null : .double(seconds.compactMap { $0 }.reduce(0, +))),
            ("resolution", resolution), ("notes", .array(facts.notes.map { .string($0) })),
        ])
    }

    /// `ablate report --json`: the table (every column, every row's per-seed values, mean, std, best marks and
    /// paired Δ) and the files written.
    public static func report(_ table: ReportTable, commit: String?, files: [String], notes: [String]) -> String {
        let best = table.columns.map { table.best($0) }
        let columns: [JSONValue] = table.columns.enumerated().map { c, column in
            .object([("id", .string(column.id)), ("title", .string(column.title)), ("polarity", .string(polarity(column.polarity))),
                     ("decimals", .int(column.decimals)), ("best", .array(best[c].sorted().map { .string(table.rows[$0].name) }))])
        }
        let rows: [JSONValue] = table.rows.map { row in
            var cells: [(key: String, value: JSONValue)] = []
            for column in table.columns {
                guard let stats = row.cells[column.id] else { continue }
                cells.append((column.id, .object([
                    ("mean", number(stats.mean)), ("std", number(stats.std)),
                    ("values", .array(stats.values.filter { $0.seed >= 0 }.map { .object([("seed", .int($0.seed)), ("value", .double($0.value))]) })),
                ])))
            }
            let paired: [(key: String, value: JSONValue)] = Metric.allCases.compactMap { m in row.paired[m].map { (m.name, delta($0)) } }
            return .object([("name", .string(row.name)), ("baseline", .bool(row.isBaseline)),
                            ("finishedSeeds", .array(row.finishedSeeds.map { .int($0) })), ("plannedSeeds", .array(row.plannedSeeds.map { .int($0) })),
                            ("cells", .object(cells)), ("deltaEvidence", string(row.deltaEvidence?.rawValue)), ("paired", .object(paired))])
        }
        return document("report", [
            ("spec", .string(table.specName)), ("commit", string(commit)), ("split", .string(table.split)),
            ("checkpoint", .string(table.checkpoint)), ("primary", .string(table.primary.name)),
            ("columns", .array(columns)), ("rows", .array(rows)), ("files", .array(files.map { .string($0) })),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }

    static func delta(_ d: PairedDelta) -> JSONValue {
        .object([("delta", .double(d.delta)), ("low", .double(d.low)), ("high", .double(d.high)), ("pImprove", .double(d.pImprove)),
                 ("resolved", .bool(d.isResolved)), ("seeds", .int(d.seeds)), ("samples", .int(d.samples))])
    }

    static func polarity(_ p: Polarity) -> String {
        switch p {
        case .higherIsBetter: return "higherIsBetter"
        case .lowerIsBetter: return "lowerIsBetter"
        case .unranked: return "unranked"
        }
    }

    /// `ablate compare --json`: the verdict, exit code, options and every finding (display strings as in the table).
    public static func compare(_ c: Comparison) -> String {
        let o = c.options
        let findings: [JSONValue] = c.findings.map { f in
            .object([("spec", .string(f.spec)), ("cell", .string(f.cell)), ("kind", .string(f.kind.rawValue)), ("measure", .string(f.measure)),
                     ("base", .string(f.base)), ("head", .string(f.head)), ("change", .string(f.change)), ("evidence", .string(f.evidence)),
                     ("verdict", .string(f.verdict.rawValue))])
        }
        return document("compare", [
            ("base", .string(c.base)), ("head", .string(c.head)), ("matchedRuns", .int(c.matchedRuns)), ("dirtyRuns", .int(c.dirtyRuns)),
            ("exitCode", .int(Int(c.exitCode))), ("outcome", .string(ComparisonReport.outcome(c))),
            ("options", .object([("split", .string(o.split)), ("minEffectPoints", .double(o.minEffectPoints)), ("alpha", .double(o.alpha)),
                                 ("timingThreshold", .double(o.timingThreshold)),
                                 ("minimumTimingSamples", .int(CompareOptions.minimumTimingSamples))])),
            ("findings", .array(findings)),
        ])
    }

    /// `ablate history --json`: one row per commit (newest first), per cell the per-seed values, mean and std in points.
    public static func history(_ h: CommitHistory) -> String {
        let rows: [JSONValue] = h.rows.map { row in
            let cells: [(key: String, value: JSONValue)] = h.cells.compactMap { cell in
                guard let v = row.values[cell], !v.isEmpty else { return nil }
                return (cell, .object([("mean", .double(SeedStats.mean(v))), ("std", v.count < 2 ? .null : .double(SeedStats.variance(v).squareRoot())),
                                       ("values", .array(v.map { .double($0) }))]))
            }
            return .object([("commit", string(row.commit)), ("subject", string(row.subject)),
                            ("lastFinished", .string(ISO8601DateFormatter().string(from: row.lastFinished))), ("cells", .object(cells))])
        }
        return document("history", [("spec", .string(h.spec)), ("metric", .string(h.metric)), ("split", .string(h.split)),
                                    ("cells", .array(h.cells.map { .string($0) })), ("rows", .array(rows))])
    }

    static func document(_ command: String, _ fields: [(key: String, value: JSONValue)]) -> String {
        JSONValue.object([("schemaVersion", .int(schemaVersion)), ("command", .string(command))] + fields).jsonText + "\n"
    }

    static func number(_ x: Double?) -> JSONValue { x.map { .double($0) } ?? .null }
    static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
