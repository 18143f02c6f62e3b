import Declarations
import Experiment
import Foundation
import NN
import RunStore
import Runner

/// `ablate run-task SPEC --index I --db FILE`: trains exactly run `I` of the spec's plan (cell × seed in
/// plan order, as `ablate plan` lists them), with the run key a local `ablate run` would give it, into
/// its own database `FILE`. A Slurm array task runs it with `I = $SLURM_ARRAY_TASK_ID`. Progress goes
/// out as plain lines (a task's log is a file). Safe to rerun: a run already finished in `FILE` is
/// skipped, and one left `running` by a killed earlier attempt is trained again.
public struct ArrayTask {
    public var specPath: String
    public var overrides: [String] = []
    /// Fold this commit into the run key (as `ablate run --commit`).
    public var commit: String?
    /// Position of the run in the plan, from 0.
    public var index: Int
    /// The task's own database.
    public var databasePath: String
    /// The synthetic data cache goes under `resultsRoot/.cache`, as for `ablate run`.
    public var resultsRoot: String = ResultsFolder.defaultRoot
    /// Stop cleanly on SIGINT/SIGTERM (Slurm sends SIGTERM at the time limit and on `scancel`).
    public var stopsOnSignals = false
    /// A `running` row in the task's database whose owner (on another node) has not beaten its heartbeat
    /// for this long is an earlier attempt that died, and is trained again. The trainer beats every couple
    /// of seconds, so five minutes leaves room for a long evaluation.
    public var staleAfter: TimeInterval = 300
    /// How often a task that finds its run held by a live process looks again.
    public var pollSeconds: Double = 5
    public var output: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }

    public init(specPath: String, index: Int, databasePath: String) {
        self.specPath = specPath; self.index = index; self.databasePath = databasePath
    }

    /// What a task did.
    public enum Outcome: Equatable {
        /// It trained the run to the end.
        case trained(runKey: String)
        /// The run was already finished in the database.
        case alreadyFinished(runKey: String)
    }

    /// The planned run this task trains.
    /// - Throws: `SpecError`, or `SlurmError.indexOutOfRange`.
    public func plannedRun() throws -> (plan: Plan, run: PlannedRun) {
        let spec = try SpecLoader().load(specPath, overrides: overrides)
        let plan = Plan(spec, commit: commit)
        guard plan.runs.indices.contains(index) else {
            throw SlurmError.indexOutOfRange(index: index, runs: plan.runs.count, spec: spec.file)
        }
        return (plan, plan.runs[index])
    }

    /// Trains the run (unless already finished in the database).
    /// - Throws: `RunInterrupted` when stopped by a signal (the run is marked failed, so a rerun trains it).
    @discardableResult
    public func run() throws -> Outcome {
        let (plan, run) = try plannedRun()
        try WritableFolder.require(URL(fileURLWithPath: databasePath).deletingLastPathComponent().path,
                                   role: "the task's database \(databasePath)")
        let store = try ResultStore(path: databasePath)
        output("\(plan.spec.name) index \(index) (run \(index + 1) of \(plan.runs.count)): \(run.cell.name), seed \(run.seed), "
               + "run key \(run.runKey), into \(databasePath) (\(Parallel.workers) thread\(Parallel.workers == 1 ? "" : "s"))\n")
        if try store.finishedRunKeys().contains(run.runKey) {
            output("already finished in \(databasePath): nothing to do\n")
            return .alreadyFinished(runKey: run.runKey)
        }

        let spec = plan.spec
        let data = try RunData.forRunning(spec.resolved(for: run.cell), resultsRoot: resultsRoot, control: run.cell.control, warn: output)
        var queue = RunQueue(plan: plan, store: store)
        queue.resultsRoot = resultsRoot
        queue.pollSeconds = pollSeconds
        queue.staleAfter = staleAfter
        queue.output = output
        let progress = ProgressReporter(totalRuns: 1, epochsPerRun: run.cell.train.epochs, interactive: false, output: output)
        let signals = stopsOnSignals ? SignalInterrupter(raising: queue.interruption) : nil
        defer { signals?.uninstall() }
        let outcome = try queue.train([run], data: { _ in data }, progress: progress)
        if outcome.trained.isEmpty {
            output("finished by another process meanwhile: nothing to do\n")
            return .alreadyFinished(runKey: run.runKey)
        }
        return .trained(runKey: run.runKey)
    }
}
