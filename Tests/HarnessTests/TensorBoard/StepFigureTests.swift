import Foundation
import Testing
@testable import Experiment
@testable import Figures
@testable import RunStore

/// The per-step figures' numbers: windows of steps averaged per seed then over seeds, and the schedule read
/// back from the store.
struct StepFigureTests {
    @Test func windowsAverageEachSeedThenTheSeeds() {
        // Two seeds: loss = step and 2 × step; windows of two steps (1–2, 3–4, then 5 alone).
        let steps = Dictionary(uniqueKeysWithValues: (1...5).map { s in
            (s, [StepPoint(step: s, epoch: 1, loss: Double(s), lr: 0), StepPoint(step: s, epoch: 1, loss: 2 * Double(s), lr: 0)])
        })
        let points = ReportPlots.windowed(steps, window: 2) { $0.loss }
        #expect(points == [LinePoint(x: 2, y: 2.25, low: 1.5, high: 3), LinePoint(x: 4, y: 5.25, low: 3.5, high: 7),
                           LinePoint(x: 5, y: 7.5, low: 5, high: 10)])
        #expect([200, 201, 400, 401].map { ReportPlots.windowSize(steps: $0) } == [1, 2, 2, 3])
    }

    @Test func learningRateComesFromFinishedRunsSteps() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let plan = try TensorBoardLogTests.plan(report: "{\"tensorboard\": false}")
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        #expect(try ReportPlots.learningRate(plan, store: store) == nil && ReportPlots.stepLoss(plan, store: store) == nil)
        for run in plan.runs where run.seed == 0 {
            _ = try TensorBoardLogTests.record(run, of: plan, in: dir, store: store)
        }
        let figure = try #require(try ReportPlots.learningRate(plan, store: store))
        #expect(figure.note == "The rate each optimisation step used; the variants' schedules coincide.")
        let chart = try #require(figure.rows.first?.panels.first as? LineChart)
        #expect(chart.series.map(\.name) == ["Coarse", "FIAM w/o spatial", "FIAM"])
        #expect(chart.series[0].points.map(\.y) == (1...6).map { 1e-4 * Double($0) })
        let loss = try #require(try ReportPlots.stepLoss(plan, store: store)?.rows.first?.panels.first as? LineChart)
        #expect(loss.series[2].points.map(\.y) == (1...6).map { 1 / Double($0) })
    }
}
