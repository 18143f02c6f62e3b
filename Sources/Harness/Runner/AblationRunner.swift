import Declarations
import RRSISModels
import Foundation
import NN
import RRSISData
import RRSISModels

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
    public var resultsRoot: String = "Results"
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
            created = try WritableFolder.require(ReportWriter.folder(for: spec.name, resultsRoot: resultsRoot), role: "the results tables")
                + created
            return try run(spec, plan)
        } catch {
            WritableFolder.removeIfEmpty(created)
            throw error
        }
    }

    private func run(_ spec: AblationSpec, _ plan: Plan) throws -> String {
        // Temporary cache folders of data generations that were killed (their process is gone).
        SyntheticDataset.removeStaleTemporaryFolders(in: URL(fileURLWithPath: resultsRoot).appendingPathComponent(".cache"))
        let store = try ResultStore(path: storePath)
        let pending = plan.pending(finished: try store.finishedRunKeys(), force: force)
        let done = plan.runs.count - pending.count
        output("\(spec.name): \(plan.runs.count) runs (\(spec.cells.count) cells × \(spec.seeds.count) seeds), "
               + "\(done) already finished in \(storePath), \(pending.count) to train\n")

        if !pending.isEmpty {
            // Control rows train on rewritten expressions: their data is prepared once per control, when first needed.
            var dataByControl: [ExpressionControl?: RunData] = [nil: try RunData.forRunning(spec, resultsRoot: resultsRoot, warn: output)]
            func data(for run: PlannedRun) throws -> RunData {
                if let d = dataByControl[run.cell.control] { return d }
                let d = try RunData.forRunning(spec, resultsRoot: resultsRoot, control: run.cell.control, warn: { _ in })
                dataByControl[run.cell.control] = d
                return d
            }
            let environment = RunEnvironment.current()
            let progress = ProgressReporter(totalRuns: pending.count, epochsPerRun: spec.train.epochs)
            let signals = stopsOnSignals ? SignalInterrupter(raising: interruption) : nil
            defer { signals?.uninstall() }
            // Claim each run before training it, so a second `ablate` on the same database trains other runs;
            // runs another live process holds are retried until they finish there (or their owner dies).
            var queue = pending, trained = 0, firstPass = true
            while !queue.isEmpty {
                var held: [(PlannedRun, String)] = []
                for run in queue {
                    let record = RunRecord(run, of: plan, environment: environment, threads: Parallel.workers)
                    switch try store.claimRun(record, replacingFinished: force && firstPass) {
                    case .finishedElsewhere:
                        if !firstPass { output("\(run.cell.name) seed \(run.seed): finished by another process\n") }
                        continue
                    case .heldBy(let owner):
                        held.append((run, owner))
                        continue
                    case .claimed:
                        break
                    }
                    trained += 1
                    do {
                        try train(run, index: trained, plan: plan, data: try data(for: run), store: store, progress: progress)
                    } catch is TrainingStopped {
                        throw interrupted(plan, store)
                    }
                    if let n = interruptAfterRuns, trained >= n { interruption.raise() }
                }
                if held.isEmpty { break }
                let owners = Set(held.map(\.1)).sorted().joined(separator: ", ")
                output("waiting for \(held.count) run\(held.count == 1 ? "" : "s") being trained by \(owners)\n")
                queue = held.map(\.0)
                firstPass = false
                let deadline = Date().addingTimeInterval(claimPollSeconds)
                while Date() < deadline {
                    if interruption.isRaised { throw interrupted(plan, store) }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
        }
        return try HarnessCommands.report(spec: specPath, overrides: overrides, storePath: storePath,
                                          resultsRoot: resultsRoot, commit: commit)
    }

    /// The interruption error for the plan's current state, after printing it.
    func interrupted(_ plan: Plan, _ store: ResultStore) -> RunInterrupted {
        let finished = plan.runs.count - plan.pending(finished: (try? store.finishedRunKeys()) ?? [], force: false).count
        let interrupted = RunInterrupted(finishedRuns: finished, totalRuns: plan.runs.count)
        output("\n\(interrupted)\n")
        return interrupted
    }

    /// Trains a run this process has claimed, refreshing the claim's heartbeat as it goes.
    func train(_ run: PlannedRun, index: Int, plan: Plan, data: RunData, store: ResultStore, progress: ProgressReporter) throws {
        do {
            let heartbeat = Heartbeat(interval: claimPollSeconds) { try? store.heartbeat(runKey: run.runKey) }
            let model = try ModelCatalog.standard.segmenter(run.cell.model, vocabulary: data.train.vocabulary.count, seed: UInt64(run.seed))
            var trainer = RunTrainer(recipe: plan.spec.train, data: data, seed: run.seed, progress: progress)
            trainer.qualitativeSamples = plan.spec.report.qualitative
            trainer.shouldStop = { [interruption] in heartbeat.beat(); return interruption.isRaised }
            if savePredictions {
                trainer.predictionsFolder = URL(fileURLWithPath: ReportWriter.folder(for: plan.spec.name, resultsRoot: resultsRoot))
                    .appendingPathComponent("runs/\(run.runKey)/predictions")
            }
            let recipe = plan.spec.train, n = data.train.count
            let steps = recipe.dropLast && n >= recipe.batchSize ? n / recipe.batchSize : (n + recipe.batchSize - 1) / recipe.batchSize
            progress.runStarted(index: index, cell: run.cell.name, seed: run.seed, stepsPerEpoch: steps)
            let outcome = try trainer.run(model) { points in try store.recordEpoch(runKey: run.runKey, points: points) }
            try store.recordSamples(runKey: run.runKey, outcome.samples)
            try store.finishRun(runKey: run.runKey, metrics: outcome.metrics, costs: outcome.costs, predictions: outcome.predictions)
            progress.runFinished(summary: outcome.summary)
        } catch {
            try? store.failRun(runKey: run.runKey, message: "\(error)")
            throw error
        }
    }
}

/// Calls `action` at most once per `interval` seconds of `beat()` calls (from the training loop's steps).
final class Heartbeat {
    private let interval: Double
    private let action: () -> Void
    private var last = now()

    init(interval: Double, action: @escaping () -> Void) { self.interval = interval; self.action = action }

    func beat() {
        let t = now()
        if t - last >= interval { last = t; action() }
    }
}
