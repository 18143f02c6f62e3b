import Testing
@testable import Runner
import RRSISModels

struct ProgressReporterTests {
    /// A reporter on a fake clock that records what it prints.
    final class Harnessed {
        var now = 100.0
        var printed: [String] = []
        lazy var reporter = ProgressReporter(totalRuns: 2, epochsPerRun: 2, interactive: interactive, logInterval: 30,
                                             output: { [unowned self] in self.printed.append($0) }, clock: { [unowned self] in self.now })
        let interactive: Bool
        init(interactive: Bool) { self.interactive = interactive }
    }

    @Test func etaAssumesTheAverageStepCostForEveryRemainingStep() {
        let h = Harnessed(interactive: false)
        h.reporter.runStarted(index: 1, cell: "FIAM", seed: 0, stepsPerEpoch: 10)
        for _ in 0..<5 { h.now += 2; h.reporter.step(epoch: 1, loss: 0.5) }
        // 5 of 40 steps done in 10 s → 35 left at 2 s each.
        #expect(h.reporter.eta(h.now) == 70)
        #expect(h.reporter.status(h.now) == "[1/2] FIAM seed 0 · epoch 1/2 · step 5/10 · loss 0.5000 · ETA 1 min 10 s")
    }

    /// A 15-minute pretraining before the first run, and a pause between runs, are no step's cost: at 128 px
    /// the ETA once read hours for a spec that took half an hour.
    @Test func etaCountsOnlyTimeInsideRuns() {
        let h = Harnessed(interactive: false)
        h.now += 900
        h.reporter.runStarted(index: 1, cell: "FIAM", seed: 0, stepsPerEpoch: 10)
        for _ in 0..<5 { h.now += 2; h.reporter.step(epoch: 1, loss: 0.5) }
        #expect(h.reporter.eta(h.now) == 70)
        for _ in 0..<15 { h.now += 2; h.reporter.step(epoch: 2, loss: 0.5) }
        h.now += 10                                      // the run's test evaluation: inside the run
        h.reporter.runFinished(summary: "test mIoU 50.00")
        h.now += 300                                     // between runs: not counted
        h.reporter.runStarted(index: 2, cell: "FIAM", seed: 1, stepsPerEpoch: 10)
        h.now += 2; h.reporter.step(epoch: 1, loss: 0.5)
        // 21 steps in 52 s of runs; 19 steps left.
        #expect(abs(h.reporter.eta(h.now)! - 52.0 / 21 * 19) < 1e-9)
    }

    @Test func plainOutputPrintsRunsEpochsAndPeriodicLines() {
        let h = Harnessed(interactive: false)
        h.reporter.runStarted(index: 1, cell: "Coarse", seed: 2, stepsPerEpoch: 10)
        for _ in 0..<10 { h.now += 4; h.reporter.step(epoch: 1, loss: 0.25) }   // 40 s: one periodic line after 30 s
        h.reporter.epochFinished(epoch: 1, valMIoU: 0.4567)
        #expect(h.printed.count == 3)
        #expect(h.printed[0] == "run 1/2: Coarse, seed 2\n")
        #expect(h.printed[1].hasPrefix("[1/2] Coarse seed 2 · epoch 1/2 · step 8/10 · loss 0.2500 · ETA "))
        #expect(h.printed[2] == "[1/2] Coarse seed 2 · epoch 1/2 · step 10/10 · loss 0.2500 · val mIoU 45.67 · ETA 2 min 0 s\n")
        #expect(h.printed.allSatisfy { !$0.contains("\u{1B}") })
    }

    @Test func terminalOutputRewritesOneLine() {
        let h = Harnessed(interactive: true)
        h.reporter.runStarted(index: 2, cell: "FIAM", seed: 0, stepsPerEpoch: 1)
        h.now += 1
        h.reporter.step(epoch: 1, loss: 1)
        h.reporter.runFinished(summary: "test mIoU 50.00")
        #expect(h.printed.first == "\r\u{1B}[2K[2/2] FIAM seed 0 · epoch 1/2 · step 1/1 · loss 1.0000 · ETA 1 s")
        #expect(h.printed.last == "\r\u{1B}[2K✓ FIAM, seed 0: test mIoU 50.00 (1 s elapsed)\n")
    }
}
