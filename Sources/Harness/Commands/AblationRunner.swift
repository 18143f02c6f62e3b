import Cluster
import Declarations
import Experiment
import Figures
import Foundation
import NN
import RRSISData
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// `ablate SPEC`: trains and evaluates every pending run of a spec into the store, then writes and
/// returns the report. Runs already finished in the store are skipped (a rerun resumes an interrupted
/// ablation); each epoch is committed as it ends, so a kill loses at most the epoch in flight — a run
/// that was cut short is trained again from its start. With `stopsOnSignals`, SIGINT/SIGTERM stop the
/// run in flight after its current step (marked failed, so it is retrained) and `run()` throws
/// `RunInterrupted`. Unwritable store or results folders are reported before any training.
///
/// Several processes may run the same spec on one database at once: each run is claimed in a write
/// transaction before it trains (`ResultStore.claimRun`), so no run is trained twice, and a process that
/// finds the rest claimed by a live process waits for them before reporting. A run whose owner was killed
/// is claimed again at once on the same host (its pid is gone), after `ResultStore.claimRun`'s staleness
/// window from another host.
public struct AblationRunner {
    public var specPath: String
    public var overrides: [String] = []
    public var storePath: String = ResultStore.defaultPath
    public var resultsRoot: String = ResultsFolder.defaultRoot
    /// Fold this commit into run keys (reruns on a new commit become new runs).
    public var commit: String?
    /// Train finished runs again.
    public var force = false
    /// Write the test split's predicted masks as PNGs under `resultsRoot/<spec>/runs/<run key>/predictions/`.
    public var savePredictions = false
    /// Stop cleanly on SIGINT/SIGTERM (`ablate run` sets this): the run in flight stops after its
    /// current step and `run()` throws `RunInterrupted`.
    public var stopsOnSignals = false
    /// Raised to stop after the current step (by the signal handlers, or by a caller).
    public var interruption = InterruptFlag()
    /// How often a process waiting for runs held by another process looks again, and how often a training
    /// process refreshes its claims' heartbeat.
    public var claimPollSeconds: Double = 2
    /// Test hook: raise `interruption` once this many runs have finished in this invocation.
    public var interruptAfterRuns: Int?
    /// Where progress and the final table go.
    public var output: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }

    public init(specPath: String) { self.specPath = specPath }

    /// Runs the spec; returns the rendered report (also written under `resultsRoot/<spec>/`).
    @discardableResult
    public func run() throws -> String {
        let spec = try SpecLoader().load(specPath, overrides: overrides)
        let plan = Plan(spec, commit: commit)
        // Folders made here are removed again when the run fails before anything is written into them.
        var created = try WritableFolder.require(URL(fileURLWithPath: storePath).deletingLastPathComponent().path,
                                                 role: "the results database \(storePath)")
        do {
            created = try WritableFolder.require(ResultsFolder.folder(for: spec.name, resultsRoot: resultsRoot), role: "the results tables")
                + created
            return try run(spec, plan)
        } catch {
            WritableFolder.removeIfEmpty(created)
            throw error
        }
    }

    private func run(_ spec: AblationSpec, _ plan: Plan) throws -> String {
        // Temporary cache folders of data generations that were killed (their process is gone).
        SyntheticDataset.removeStaleTemporaryFolders(in: ResultsFolder.cache(resultsRoot: resultsRoot))
        let store = try ResultStore(path: storePath)
        let pending = plan.pending(finished: try store.finishedRunKeys(), force: force)
        let done = plan.runs.count - pending.count
        output("\(spec.name): \(plan.runs.count) runs (\(spec.cells.count) cells × \(spec.seeds.count) seeds), "
               + "\(done) already finished in \(storePath), \(pending.count) to train\n")

        if !pending.isEmpty {
            // Control rows train on rewritten expressions, and cells that set dataset.* keys on their own data: each
            // distinct data is prepared once, when first needed.
            struct DataKey: Hashable { var dataset: DatasetSpec; var control: ExpressionControl? }
            var prepared: [DataKey: RunData] = [:]
            func data(for run: PlannedRun) throws -> RunData {
                let key = DataKey(dataset: run.cell.dataset, control: run.cell.control)
                if let d = prepared[key] { return d }
                let d = try RunData.forRunning(spec.resolved(for: run.cell), resultsRoot: resultsRoot, control: run.cell.control,
                                               warn: prepared.isEmpty ? output : { _ in })
                prepared[key] = d
                return d
            }
            // Every dataset the pending runs train on is prepared before the first run is claimed, so a missing
            // or broken dataset is reported with the store untouched.
            for run in pending where run.cell.control == nil { _ = try data(for: run) }
            var queue = RunQueue(plan: plan, store: store)
            queue.resultsRoot = resultsRoot
            queue.replacingFinished = force
            queue.savePredictions = savePredictions
            queue.pollSeconds = claimPollSeconds
            queue.interruption = interruption
            queue.interruptAfterRuns = interruptAfterRuns
            queue.output = output
            let signals = stopsOnSignals ? SignalInterrupter(raising: interruption) : nil
            defer { signals?.uninstall() }
            let progress = ProgressReporter(totalRuns: pending.count, epochsPerRun: pending[0].cell.train.epochs, output: output)
            _ = try queue.train(pending, data: data, progress: progress)
        }
        // The report reads the runs just recorded, through the same plan and store.
        return try HarnessCommands.report(plan, store: store, resultsRoot: resultsRoot)
    }
}
