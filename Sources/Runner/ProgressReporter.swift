import Experiment
import Foundation
import RRSISModels
import RunStore
import Statistics

/// Progress of a spec's runs for people: on a terminal, one status line rewritten in place (cell, seed,
/// epoch, step, loss, last val mIoU, ETA); elsewhere (CI logs, pipes), plain lines at every epoch end and
/// at most every `logInterval` seconds in between.
///
/// The ETA assumes every remaining optimisation step costs the average step so far, over all runs still to
/// do. Only time inside runs counts (from a run's start to its finish, evaluation included): a one-time
/// pretraining or data generation before a run is no step's cost.
public final class ProgressReporter {
    /// Writes text exactly as given (no newline added).
    public typealias Output = (String) -> Void

    private let interactive: Bool
    private let output: Output
    private let clock: () -> Double
    private let logInterval: Double
    private let totalRuns: Int
    private var epochsPerRun: Int

    private var start: Double
    private var lastLog: Double
    private var runIndex = 0
    private var cell = "", seed = 0
    private var stepsPerEpoch = 1
    private var epoch = 0, stepInEpoch = 0
    private var stepsDone = 0
    /// When the current run started (nil between runs), and the time spent inside earlier runs.
    private var runBegan: Double?
    private var earlierRunsSeconds = 0.0
    private var lastLoss: Double?
    private var lastValMIoU: Double?

    /// - Parameters:
    ///   - totalRuns: runs that will be trained (skipped ones excluded).
    ///   - epochsPerRun: the recipe's epochs.
    ///   - interactive: rewrite one line in place (a terminal) or print plain lines.
    ///   - clock: monotonic seconds (injectable for tests).
    public init(totalRuns: Int, epochsPerRun: Int, interactive: Bool = Terminal.isInteractive, logInterval: Double = 30,
                output: @escaping Output = { FileHandle.standardOutput.write(Data($0.utf8)) },
                clock: @escaping () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.totalRuns = totalRuns; self.epochsPerRun = epochsPerRun; self.interactive = interactive
        self.logInterval = logInterval; self.output = output; self.clock = clock
        start = clock(); lastLog = start
    }

    /// A run begins: `index` counts from 1 among the runs to train; `epochs` is its recipe's (cells that
    /// sweep `train.epochs` differ), else the reporter's `epochsPerRun`.
    public func runStarted(index: Int, cell: String, seed: Int, stepsPerEpoch: Int, epochs: Int? = nil) {
        if let epochs { epochsPerRun = epochs }
        runIndex = index; self.cell = cell; self.seed = seed; self.stepsPerEpoch = max(stepsPerEpoch, 1)
        epoch = 1; stepInEpoch = 0; lastLoss = nil; lastValMIoU = nil
        runBegan = clock()
        if !interactive { line("run \(index)/\(totalRuns): \(cell), seed \(seed)") }
    }

    /// One optimisation step finished.
    public func step(epoch: Int, loss: Double) {
        if epoch != self.epoch { self.epoch = epoch; stepInEpoch = 0 }
        stepInEpoch += 1; stepsDone += 1; lastLoss = loss
        let now = clock()
        if interactive {
            output("\r\u{1B}[2K" + status(now))
        } else if now - lastLog >= logInterval {
            line(status(now))
        }
    }

    /// An epoch finished, with its validation mIoU (a fraction) when it was evaluated.
    public func epochFinished(epoch: Int, valMIoU: Double?) {
        if let valMIoU { lastValMIoU = valMIoU }
        if interactive { output("\r\u{1B}[2K" + status(clock())) } else { line(status(clock())) }
    }

    /// A run finished; `summary` is printed on its own line (e.g. "test mIoU 61.23").
    public func runFinished(summary: String) {
        if let began = runBegan { earlierRunsSeconds += clock() - began; runBegan = nil }
        let text = "✓ \(cell), seed \(seed): \(summary) (\(Format.duration(clock() - start)) elapsed)"
        if interactive { output("\r\u{1B}[2K" + text + "\n") } else { line(text) }
    }

    /// The status line: `[2/9] FIAM seed 1 · epoch 3/8 · step 40/125 · loss 0.4321 · val mIoU 55.10 · ETA 12 min 5 s`.
    func status(_ now: Double) -> String {
        var parts = ["[\(runIndex)/\(totalRuns)] \(cell) seed \(seed)", "epoch \(epoch)/\(epochsPerRun)",
                     "step \(stepInEpoch)/\(stepsPerEpoch)"]
        if let lastLoss { parts.append("loss " + Format.fixed(lastLoss, 4)) }
        if let lastValMIoU { parts.append("val mIoU " + Format.fixed(100 * lastValMIoU, 2)) }
        parts.append("ETA " + (eta(now).map(Format.duration) ?? "—"))
        return parts.joined(separator: " · ")
    }

    /// Seconds left, `nil` before the first step.
    func eta(_ now: Double) -> Double? {
        guard stepsDone > 0 else { return nil }
        let stepsPerRun = epochsPerRun * stepsPerEpoch
        let doneInRun = (epoch - 1) * stepsPerEpoch + stepInEpoch
        let remaining = (totalRuns - runIndex) * stepsPerRun + max(stepsPerRun - doneInRun, 0)
        let inRuns = earlierRunsSeconds + (runBegan.map { now - $0 } ?? 0)
        return inRuns / Double(stepsDone) * Double(remaining)
    }

    private func line(_ text: String) {
        lastLog = clock()
        output(text + "\n")
    }
}
