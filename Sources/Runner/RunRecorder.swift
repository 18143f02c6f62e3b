import Experiment
import Foundation
import RunStore

/// Told about every optimisation step by `RunTrainer` (after the parameter update).
protocol TrainingObserver: AnyObject {
    func stepFinished(_ step: StepPoint)
}

/// Records a run's training as it goes: each epoch's curve points and steps (loss and learning rate of every
/// step, kept in memory until their epoch ends) into the store, and — when the spec's `report.tensorboard`
/// is on — the run's TensorBoard event file (`TensorBoardRunLog`).
final class RunRecorder: TrainingObserver {
    private let runKey: String
    private let store: ResultStore
    private let tensorBoard: TensorBoardRunLog?
    private var pendingSteps: [StepPoint] = []

    init(_ run: PlannedRun, of plan: Plan, store: ResultStore, resultsRoot: String) throws {
        runKey = run.runKey
        self.store = store
        tensorBoard = plan.spec.report.tensorboard ? try TensorBoardRunLog(run, of: plan, resultsRoot: resultsRoot) : nil
    }

    func stepFinished(_ step: StepPoint) {
        pendingSteps.append(step)
        tensorBoard?.step(step)
    }

    /// Commits an epoch: its curve points and its steps, in one transaction.
    func epochFinished(_ points: [CurvePoint]) throws {
        try store.recordEpoch(runKey: runKey, points: points, steps: pendingSteps)
        pendingSteps.removeAll(keepingCapacity: true)
        try tensorBoard?.epoch(points)
    }

    /// Closes the TensorBoard session of a run the store has just marked finished.
    func runFinished(metrics: [MetricValue]) throws {
        try tensorBoard?.finish(metrics: metrics, status: .success)
    }
}
