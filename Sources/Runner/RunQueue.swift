import Declarations
import Experiment
import Foundation
import NN
import RRSISData
import RRSISModels
import RunStore
import Statistics

/// Claims, trains and records planned runs into one store: the loop that `ablate run` (every pending run)
/// and a Slurm array task (one run, into its own database) share.
///
/// Each run is claimed in a write transaction before it trains (`ResultStore.claimRun`), so two processes
/// on one database never train the same run; a run another live process holds is looked at again every
/// `pollSeconds` until it finishes there (or its owner dies: at once on the same host, after
/// `staleAfter` seconds without a heartbeat from another host). Each epoch is committed as it ends.
public struct RunQueue {
    public let plan: Plan
    public let store: ResultStore
    /// Where the data cache and saved predictions go.
    public var resultsRoot = ResultsFolder.defaultRoot
    /// Claim runs that are finished too, on the first pass (`--force`).
    public var replacingFinished = false
    /// Write the test split's predicted masks as PNGs under `resultsRoot/<spec>/runs/<run key>/predictions/`.
    public var savePredictions = false
    /// How often held runs are looked at again, and how often a training process beats its claims' heartbeat.
    public var pollSeconds: Double = 2
    /// How long another host's claim stays alive without a heartbeat.
    public var staleAfter: TimeInterval = 600
    /// Raised to stop after the current step (by signal handlers, or by a caller).
    public var interruption = InterruptFlag()
    /// Test hook: raise `interruption` once this many runs have finished in this queue.
    public var interruptAfterRuns: Int?
    public var output: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }

    public init(plan: Plan, store: ResultStore) { self.plan = plan; self.store = store }

    /// What became of the runs handed to `train`.
    public struct Outcome: Equatable {
        /// Run keys this process trained to the end.
        public var trained: [String] = []
        /// Run keys found finished (before or while waiting for them).
        public var finishedElsewhere: [String] = []
    }

    /// Trains each of `runs` this process can claim, waiting for those another live process holds.
    /// - Parameters: data gives a run's prepared splits (loaded once per control condition by the caller);
    ///   progress reports the runs this process trains.
    /// - Throws: `RunInterrupted` when stopped (the run in flight is marked failed, so a rerun trains it).
    public func train(_ runs: [PlannedRun], data: (PlannedRun) throws -> RunData, progress: ProgressReporter) throws -> Outcome {
        let environment = RunEnvironment.current()
        var outcome = Outcome(), queue = runs, firstPass = true
        while !queue.isEmpty {
            var held: [(PlannedRun, String)] = []
            for run in queue {
                let record = RunRecord(run, of: plan, environment: environment, threads: Parallel.workers)
                switch try store.claimRun(record, replacingFinished: replacingFinished && firstPass, staleAfter: staleAfter) {
                case .finishedElsewhere:
                    if !firstPass { output("\(run.cell.name) seed \(run.seed): finished by another process\n") }
                    outcome.finishedElsewhere.append(run.runKey)
                    continue
                case .heldBy(let owner):
                    held.append((run, owner))
                    continue
                case .claimed:
                    break
                }
                do {
                    try train(run, index: outcome.trained.count + 1, data: try data(run), progress: progress)
                } catch is TrainingStopped {
                    throw interrupted(runs.count, trainedHere: outcome.trained.count)
                }
                outcome.trained.append(run.runKey)
                if let n = interruptAfterRuns, outcome.trained.count >= n { interruption.raise() }
            }
            if held.isEmpty { break }
            let owners = Set(held.map(\.1)).sorted().joined(separator: ", ")
            output("waiting for \(held.count) run\(held.count == 1 ? "" : "s") being trained by \(owners) "
                   + "(looking again every \(Format.duration(pollSeconds)))\n")
            queue = held.map(\.0)
            firstPass = false
            let deadline = Date().addingTimeInterval(pollSeconds)
            while Date() < deadline {
                if interruption.isRaised { throw interrupted(runs.count, trainedHere: outcome.trained.count) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        return outcome
    }

    /// The interruption error for the plan's current state, after printing it: runs of the plan finished in
    /// the store, out of all planned (one run for an array task's queue).
    func interrupted(_ queued: Int, trainedHere: Int) -> RunInterrupted {
        let interrupted: RunInterrupted
        if queued == plan.runs.count {
            let finished = plan.runs.count - plan.pending(finished: (try? store.finishedRunKeys()) ?? []).count
            interrupted = RunInterrupted(finishedRuns: finished, totalRuns: plan.runs.count)
        } else {
            interrupted = RunInterrupted(finishedRuns: trainedHere, totalRuns: queued)
        }
        output("\n\(interrupted)\n")
        return interrupted
    }

    /// Trains a run this process has claimed and records it, refreshing the claim's heartbeat as it goes; then
    /// writes the files `train.keep` asks for (`KeptFiles`) and records them.
    func train(_ run: PlannedRun, index: Int, data: RunData, progress: ProgressReporter) throws {
        do {
            let heartbeat = Heartbeat(interval: pollSeconds) { [store] in try? store.heartbeat(runKey: run.runKey) }
            let model = try ModelCatalog.standard.segmenter(run.cell.model, vocabulary: data.train.vocabulary.count, seed: UInt64(run.seed))
            let pretraining = try PretrainedWeights(cacheRoot: ResultsFolder.cache(resultsRoot: resultsRoot), output: output)
                .initialise(model, config: run.cell.model, data: data)
            try store.recordPretraining(runKey: run.runKey, pretraining)
            try Self.initialiseSlots(model, config: run.cell.model, workingDirectory: FileManager.default.currentDirectoryPath)
            let recipe = run.cell.train, kept = KeptFiles(run: run, spec: plan.spec, resultsRoot: resultsRoot)
            var trainer = RunTrainer(recipe: recipe, data: data, seed: run.seed, progress: progress)
            trainer.qualitativeSamples = plan.spec.report.qualitative
            trainer.shouldStop = { [interruption] in heartbeat.beat(); return interruption.isRaised }
            if savePredictions { trainer.predictionsFolder = kept.folder.appendingPathComponent("predictions") }
            var files: [RunFile] = []
            if recipe.keep.keepsLast { trainer.atLastEpoch = { files.append(try kept.weights($0, role: "last", epoch: recipe.epochs)) } }
            let n = data.train.count
            let steps = recipe.dropLast && n >= recipe.batchSize ? n / recipe.batchSize : (n + recipe.batchSize - 1) / recipe.batchSize
            progress.runStarted(index: index, cell: run.cell.name, seed: run.seed, stepsPerEpoch: steps, epochs: recipe.epochs)
            let recorder = try RunRecorder(run, of: plan, store: store, resultsRoot: resultsRoot)
            trainer.observer = recorder
            let outcome = try trainer.run(model) { points in try recorder.epochFinished(points) }
            if recipe.keep.keepsSelected { files.append(try kept.weights(model, role: "selected", epoch: outcome.selectedEpoch)) }
            files += try kept.summaries(metrics: outcome.metrics)
            try store.recordSamples(runKey: run.runKey, outcome.samples)
            try store.recordFiles(runKey: run.runKey, files)
            try store.finishRun(runKey: run.runKey, metrics: outcome.metrics, costs: outcome.costs, predictions: outcome.predictions)
            try recorder.runFinished(metrics: outcome.metrics)
            progress.runFinished(summary: outcome.summary)
        } catch {
            try? store.failRun(runKey: run.runKey, message: "\(error)")
            throw error
        }
    }

    /// Loads the checkpoint files the model's slots name in `init` (relative paths against `workingDirectory`,
    /// as the spec loader hashed them), after any pretrained weights: the file is what the slot starts from.
    /// - Throws: `CheckpointError` naming every name and shape that does not fit the slot.
    public static func initialiseSlots(_ model: Segmenter, config: ModelConfig, workingDirectory: String) throws {
        for slot in ComponentSlot.allCases {
            guard let file = config.choices[slot]?.initFile else { continue }
            let path = file.hasPrefix("/") ? file : workingDirectory + "/" + file
            if let expected = config.choices[slot]?.initHash, let data = FileManager.default.contents(atPath: path),
               SHA256.hex([UInt8](data)) != expected {
                throw CheckpointError.unreadable(path: file, reason: "it changed since the spec was loaded (its SHA-256 is part of the run key); load the spec again")
            }
            try SlotCheckpoint.load(URL(fileURLWithPath: path), into: model, slot: slot)
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
