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
        try WritableFolder.require(URL(fileURLWithPath: storePath).deletingLastPathComponent().path, role: "the results database \(storePath)")
        try WritableFolder.require(ReportWriter.folder(for: spec.name, resultsRoot: resultsRoot), role: "the results tables")
        let store = try ResultStore(path: storePath)
        let pending = plan.pending(finished: try store.finishedRunKeys(), force: force)
        let done = plan.runs.count - pending.count
        output("\(spec.name): \(plan.runs.count) runs (\(spec.cells.count) cells × \(spec.seeds.count) seeds), "
               + "\(done) already finished in \(storePath), \(pending.count) to train\n")

        if !pending.isEmpty {
            let textChoice = spec.baseModel.choices[.text]
            let maxLength = (try? textChoice?.params.int("maxLength")) ?? 20
            let cache = URL(fileURLWithPath: resultsRoot).appendingPathComponent(".cache")
            let data = try RunData(spec, maxLength: maxLength, cacheRoot: cache)
            if !data.report.skipped.isEmpty {
                output("warning: dataset \(spec.dataset.kind): \(data.report)\n"
                       + data.report.skipped.prefix(10).map { "  • \($0)\n" }.joined())
            }
            let environment = RunEnvironment.current()
            let progress = ProgressReporter(totalRuns: pending.count, epochsPerRun: spec.train.epochs)
            let signals = stopsOnSignals ? SignalInterrupter(raising: interruption) : nil
            defer { signals?.uninstall() }
            for (i, run) in pending.enumerated() {
                do {
                    try train(run, index: i + 1, plan: plan, data: data, store: store, environment: environment, progress: progress)
                } catch is TrainingStopped {
                    let finished = plan.runs.count - plan.pending(finished: try store.finishedRunKeys(), force: false).count
                    let interrupted = RunInterrupted(finishedRuns: finished, totalRuns: plan.runs.count)
                    output("\n\(interrupted)\n")
                    throw interrupted
                }
                if let n = interruptAfterRuns, i + 1 >= n { interruption.raise() }
            }
        }
        return try HarnessCommands.report(spec: specPath, overrides: overrides, storePath: storePath,
                                          resultsRoot: resultsRoot, commit: commit)
    }

    func train(_ run: PlannedRun, index: Int, plan: Plan, data: RunData, store: ResultStore, environment: RunEnvironment,
               progress: ProgressReporter) throws {
        try store.beginRun(RunRecord(run, of: plan, environment: environment, threads: Parallel.workers))
        do {
            let model = try ModelBuilders.segmenter(run.cell.model, vocabulary: data.train.vocabulary.count, seed: UInt64(run.seed))
            var trainer = RunTrainer(recipe: plan.spec.train, data: data, seed: run.seed, progress: progress)
            trainer.shouldStop = { [interruption] in interruption.isRaised }
            if savePredictions {
                trainer.predictionsFolder = URL(fileURLWithPath: ReportWriter.folder(for: plan.spec.name, resultsRoot: resultsRoot))
                    .appendingPathComponent("runs/\(run.runKey)/predictions")
            }
            let steps = (data.train.count + plan.spec.train.batchSize - 1) / plan.spec.train.batchSize
            progress.runStarted(index: index, cell: run.cell.name, seed: run.seed, stepsPerEpoch: steps)
            let outcome = try trainer.run(model) { points in try store.recordEpoch(runKey: run.runKey, points: points) }
            try store.finishRun(runKey: run.runKey, metrics: outcome.metrics, costs: outcome.costs)
            progress.runFinished(summary: outcome.summary)
        } catch {
            try? store.failRun(runKey: run.runKey, message: "\(error)")
            throw error
        }
    }
}
