import Declarations
import RRSISModels
import Experiment
import Statistics
import RunStore
import Runner
import Reporting
import Figures
import Cluster
import Foundation
import RRSISData
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the `ablate` subcommands do, so the executable only parses arguments. Each returns the text to
/// print; errors are `SpecError`, `StoreError` or `ReportError` values whose descriptions are sentences.
public enum HarnessCommands {
    /// `ablate list`: every registered component with its parameters, then the dataset kinds and the
    /// training recipe's keys.
    public static func list(registry: Registry = .standard) -> String {
        var out = registry.listing()
        out += "datasets (dataset.name):\n"
        for kind in SpecSections.datasets {
            out += "  \(kind.name) — \(kind.doc)\n"
            for p in kind.parameters { out += "      " + describe(p) + "\n" }
        }
        out += "\ntrain:\n" + SpecSections.train.map { "      " + describe($0) }.joined(separator: "\n") + "\n"
        out += "\nreport:\n" + SpecSections.report.map { "      " + describe($0) }.joined(separator: "\n") + "\n"
        out += "\ncontrols (optional list; each adds a row of the baseline's model on rewritten expressions):\n"
            + ExpressionControl.allCases.map { "      \($0.rawValue) — \($0.doc)" }.joined(separator: "\n") + "\n"
        return out
    }

    private static func describe(_ p: ParameterSpec) -> String {
        "\(p.name): \(p.type.expectation); \(p.defaultValue.map { "default \($0)" } ?? "required") — \(p.doc)"
    }

    /// `ablate plan SPEC`: the runs, their keys, which are done in `storePath` (read only if it exists;
    /// planning never creates a database) and the estimates: `estimate`'s (by default model-based, for
    /// the first `RunEstimates.maximumModelEstimates` variants), else those measured on finished runs of
    /// the same cell; then the resolution the seeds buy (`PlannedResolution`). Planning time grows linearly
    /// with the number of runs. With `json`, the same as one `JSONDocuments` object.
    public static func plan(spec path: String, overrides: [String] = [], storePath: String = ResultStore.defaultPath,
                            commit: String? = nil, json: Bool = false, estimate: ((Cell) -> Estimate?)? = nil) throws -> String {
        let facts = try planFacts(spec: path, overrides: overrides, storePath: storePath, commit: commit, estimate: estimate)
        if json { return JSONDocuments.plan(facts) }
        let spec = facts.plan.spec
        let text = PlanRenderer(estimate: facts.estimate).render(facts.plan, statuses: facts.statuses)
            + facts.notes.map { "note: \($0)\n" }.joined()
        return text + "\n" + facts.resolution.render(plannedSeeds: spec.seeds.count, metric: spec.report.primary)
    }

    /// What `ablate plan` shows, before rendering.
    struct PlanFacts {
        var plan: Plan
        /// Run key → status in the store (absent: not started).
        var statuses: [String: RunStatus]
        var estimate: (Cell) -> Estimate?
        var resolution: PlannedResolution
        var notes: [String]
    }

    static func planFacts(spec path: String, overrides: [String], storePath: String, commit: String?,
                          estimate: ((Cell) -> Estimate?)?) throws -> PlanFacts {
        let spec = try SpecLoader().load(path, overrides: overrides)
        let plan = Plan(spec, commit: commit)
        var statuses: [String: RunStatus] = [:]
        var stored: [Int: Estimate] = [:]
        var resolution: PlannedResolution?
        var notes: [String] = []
        if FileManager.default.fileExists(atPath: storePath) {
            let store = try ResultStore.reading(storePath)
            statuses = try store.statuses(of: plan.runs.map(\.runKey))
            stored = try StoredEstimates.collect(plan, store: store)
            resolution = try PlannedResolution.measured(plan, store: store)
            if !statuses.values.contains(.finished) {
                let elsewhere = try CommitHints.sentence(plan, store: store)
                if !elsewhere.isEmpty { notes.append(elsewhere) }
            }
        }
        let modelBased = estimate ?? RunEstimates.limited(RunEstimates.macs(spec))
        if estimate == nil, spec.cells.count > RunEstimates.maximumModelEstimates {
            notes.insert("GMACs are estimated for the first \(RunEstimates.maximumModelEstimates) variants only (each estimate builds the "
                + "model); the others show figures measured on their finished runs.", at: 0)
        }
        let samples = (try? spec.dataset.params.int(spec.report.split)) ?? 400
        return PlanFacts(plan: plan, statuses: statuses, estimate: StoredEstimates.combine(modelBased, stored: stored),
                         resolution: resolution ?? .defaults(samples: samples), notes: notes)
    }

    /// `ablate report SPEC`: builds the tables from the store alone and writes them under
    /// `resultsRoot/<spec>/`: `table.md` and `table.csv`; `table.tex` when the spec's `report.latex` is true;
    /// `breakdown.md` and `costs.md` when runs stored tagged metrics and per-component costs. Returns the
    /// terminal rendering followed by the written paths (with `json`, one `JSONDocuments.report` object).
    public static func report(spec path: String, overrides: [String] = [], storePath: String = ResultStore.defaultPath,
                              resultsRoot: String = ResultsFolder.defaultRoot, commit: String? = nil, json: Bool = false,
                              ansi: Bool = Terminal.isInteractive) throws -> String {
        let (plan, store) = try reportSource(spec: path, overrides: overrides, storePath: storePath, commit: commit)
        guard json else { return try report(plan, store: store, resultsRoot: resultsRoot, ansi: ansi) }
        let written = try writeReport(plan, store: store, resultsRoot: resultsRoot)
        return JSONDocuments.report(written.table, commit: plan.commit, files: written.files, notes: written.notes)
    }

    /// The report of `plan` from `store` (as `report(spec:…)` describes), for a caller that has both loaded:
    /// `ablate run` hands over the plan it trained and the store it recorded into.
    public static func report(_ plan: Plan, store: ResultStore, resultsRoot: String = ResultsFolder.defaultRoot,
                              ansi: Bool = Terminal.isInteractive) throws -> String {
        let written = try writeReport(plan, store: store, resultsRoot: resultsRoot)
        return TerminalReport.render(written.table, ansi: ansi) + "\nwrote " + written.files.joined(separator: ", ") + "\n"
            + written.notes.map { "note: \($0)\n" }.joined()
    }

    /// Writes every report file of `plan`; returns the main table, the written paths and notes on figures not drawn.
    static func writeReport(_ plan: Plan, store: ResultStore, resultsRoot: String) throws -> (table: ReportTable, files: [String], notes: [String]) {
        let spec = plan.spec
        let (table, breakdown) = try tables(plan, store: store)
        let folder = ResultsFolder.folder(for: spec.name, resultsRoot: resultsRoot)
        if let blocker = WritableFolder.blockingFile(folder) { throw ReportError.cannotWrite(folder: folder, reason: blocker) }
        let costs = try CostTableBuilder.build(plan, store: store)
        let files = try ReportWriter.write(table, breakdown: breakdown, costs: costs, resultsRoot: resultsRoot, latex: spec.report.latex,
                                             latexColumns: spec.report.latexColumns,
                                             costsAppendix: PretrainingSummary.markdown(try PretrainingSummary.entries(plan, store: store)))
        let plots = try ReportPlots.write(plan, store: store, table: table, breakdown: breakdown, resultsRoot: resultsRoot,
                                           testSamples: testSamples(plan, resultsRoot: resultsRoot))
        return (table, files + plots.files, plots.notes)
    }
}

extension HarnessCommands {
    /// What every output made from the store alone starts from: the spec's plan and the store, opened for reading.
    /// - Throws: `SpecError`, or `ReportError.noStore` when there is no store.
    static func reportSource(spec path: String, overrides: [String], storePath: String, commit: String?) throws -> (Plan, ResultStore) {
        let spec = try SpecLoader().load(path, overrides: overrides)
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw ReportError.noStore(path: storePath, spec: spec.file)
        }
        return (Plan(spec, commit: commit), try ResultStore.reading(storePath))
    }

    /// The test split of `plan`'s dataset as the runs saw it (generated data from the cache under `resultsRoot`).
    static func testSamples(_ plan: Plan, resultsRoot: String) -> ReportPlots.TestSamples {
        { try RunData.samples(of: .test, spec: plan.spec, cacheRoot: ResultsFolder.cache(resultsRoot: resultsRoot)) }
    }

    /// The paper-style table and the tag breakdown of `plan`'s runs in `store`.
    /// - Throws: `ReportError.noFinishedRuns` when none of the planned runs has finished.
    static func tables(_ plan: Plan, store: ResultStore) throws -> (table: ReportTable, breakdown: ReportTable?) {
        let table = try ReportBuilder.build(plan, store: store)
        guard table.rows.contains(where: { !$0.finishedSeeds.isEmpty }) else {
            throw ReportError.noFinishedRuns(spec: plan.spec.file, planned: plan.runs.count, store: store.path,
                                             elsewhere: try CommitHints.sentence(plan, store: store))
        }
        return (table, try BreakdownBuilder.build(plan, store: store))
    }
}

/// Why a report could not be made.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case noStore(path: String, spec: String)
    /// `elsewhere`: where finished runs of the spec are instead (`CommitHints.sentence`), empty when nowhere.
    case noFinishedRuns(spec: String, planned: Int, store: String, elsewhere: String = "")
    /// The report's folder cannot be made (a file is in the way).
    case cannotWrite(folder: String, reason: String)

    public var description: String {
        switch self {
        case let .noStore(path, spec):
            return "No results database at \(path). Run the spec first (`swift run ablate \(spec)`), or point --store at the database."
        case let .noFinishedRuns(spec, planned, store, elsewhere):
            return "None of the \(planned) runs planned by \(spec) has finished in \(store). "
                + (elsewhere.isEmpty ? "" : elsewhere.prefix(1).uppercased() + elsewhere.dropFirst() + " ")
                + "`ablate plan \(spec)` shows their status; runs of an earlier version of the spec (other epochs, components or data) do not count."
        case let .cannotWrite(folder, reason):
            return "Cannot write the report into \(folder): \(reason). Choose another folder with --results."
        }
    }
}
