import Declarations
import Experiment
import Reporting
import RunStore
import Statistics

/// The per-step figures of a report, from the store's `steps` table: `steps.png` (training loss per
/// optimisation step) and `lr.png` (the learning-rate schedule as the optimiser applied it). Only finished
/// runs of the plan count; runs stored before per-step recording have no steps, and without any the figures
/// are left out.
extension ReportPlots {
    /// Most points drawn per line: longer runs are shown in windows of consecutive steps.
    static let maximumStepPoints = 200

    /// Per variant, the training loss at each step (mean over seeds, min–max band), averaged over windows of
    /// `k` consecutive steps when a run has more than `maximumStepPoints` steps; nil without steps.
    public static func stepLoss(_ plan: Plan, store: ResultStore) throws -> Figure? {
        let byCell = try steps(plan, store: store)
        guard let longest = byCell.map({ $0.steps.keys.max() ?? 0 }).max(), longest > 0 else { return nil }
        let window = windowSize(steps: longest)
        let series = byCell.map { cell, steps in
            LineSeries(name: cell.name, colour: Palette.colour(cell.index), points: windowed(steps, window: window) { $0.loss })
        }
        let seeds = plan.spec.seeds.count
        var note = seeds > 1 ? "Lines: mean over \(seeds) seeds; bands: min-max over seeds." : "One seed per variant."
        if window > 1 { note += " Each point: mean of \(window) consecutive steps." }
        return Figure(title: "\(plan.spec.name): training loss per step", note: note,
                      legend: series.map { LegendEntry($0.name, $0.colour) },
                      rows: [FigureRow([LineChart(title: "Training loss", xLabel: "step", yLabel: "loss", series: series)])])
    }

    /// Per variant, the learning rate of each step (the first seed's run: the schedule does not depend on the
    /// seed), every `k`-th step and the last when there are more than `maximumStepPoints`; nil without steps.
    public static func learningRate(_ plan: Plan, store: ResultStore) throws -> Figure? {
        let byCell = try steps(plan, store: store)
        guard let longest = byCell.map({ $0.steps.keys.max() ?? 0 }).max(), longest > 0 else { return nil }
        let stride = windowSize(steps: longest)
        let series = byCell.map { cell, steps in
            let kept = steps.keys.sorted().filter { ($0 - 1) % stride == 0 || $0 == steps.keys.max() }
            return LineSeries(name: cell.name, colour: Palette.colour(cell.index),
                              points: kept.map { LinePoint(x: Double($0), y: steps[$0]![0].lr) })
        }
        // Variants share the recipe, so their schedules usually coincide: say so, as one line hides the others.
        let shared = series.dropFirst().allSatisfy { $0.points == series[0].points }
        let note = "The rate each optimisation step used" + (shared && series.count > 1 ? "; the variants' schedules coincide." : ".")
        return Figure(title: "\(plan.spec.name): learning rate", note: note,
                      legend: series.map { LegendEntry($0.name, $0.colour) },
                      rows: [FigureRow([LineChart(title: "Learning rate", xLabel: "step", yLabel: "learning rate", series: series)])])
    }

    /// Steps of the finished runs, per cell with any: step → one point per seed (in seed order).
    static func steps(_ plan: Plan, store: ResultStore) throws -> [(cell: Cell, steps: [Int: [StepPoint]])] {
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        return try plan.spec.cells.compactMap { cell in
            var byStep: [Int: [StepPoint]] = [:]
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                for s in try store.steps(runKey: run.runKey) where s.loss.isFinite && s.lr.isFinite { byStep[s.step, default: []].append(s) }
            }
            return byStep.isEmpty ? nil : (cell, byStep)
        }
    }

    /// Steps per drawn point: 1 up to `maximumStepPoints` steps, else the smallest window that keeps within it.
    static func windowSize(steps: Int) -> Int { Swift.max(1, (steps + maximumStepPoints - 1) / maximumStepPoints) }

    /// Points of windows of `window` consecutive steps (1…w, w+1…2w, …) at the window's last step: per seed,
    /// the mean of `value` over the window's steps; then the mean over seeds, with the seeds' min and max.
    static func windowed(_ steps: [Int: [StepPoint]], window: Int, value: (StepPoint) -> Double) -> [LinePoint] {
        var perWindow: [Int: [Int: [Double]]] = [:]     // window end → seed slot → values
        for (step, points) in steps {
            let end = ((step - 1) / window + 1) * window
            for (slot, p) in points.enumerated() { perWindow[end, default: [:]][slot, default: []].append(value(p)) }
        }
        return perWindow.keys.sorted().map { end in
            let last = Swift.min(end, steps.keys.max()!)
            let means = perWindow[end]!.values.map { $0.reduce(0, +) / Double($0.count) }
            return LinePoint(x: Double(last), y: means.reduce(0, +) / Double(means.count), low: means.min(), high: means.max())
        }
    }
}
