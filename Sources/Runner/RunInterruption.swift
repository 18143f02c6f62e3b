import Declarations
import Dispatch
import Experiment
import Foundation
import RRSISModels
import RunStore

/// Thrown by `AblationRunner.run()` when SIGINT/SIGTERM (or a test hook) stopped the ablation between
/// training steps. Every finished run is committed; the run in flight is marked failed, so a rerun of
/// the same command trains it again from its start. `ablate` exits with status 130.
public struct RunInterrupted: Error, Equatable, CustomStringConvertible {
    /// Runs of the plan finished in the store (including earlier invocations).
    public var finishedRuns: Int
    /// Runs in the plan.
    public var totalRuns: Int

    public init(finishedRuns: Int, totalRuns: Int) { self.finishedRuns = finishedRuns; self.totalRuns = totalRuns }

    public var description: String {
        "interrupted — rerun the same command to resume (\(finishedRuns) of \(totalRuns) runs finished)"
    }
}

/// A stop request, raised from a signal handler or a test hook and read by the training loop between steps.
public final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    public init() {}

    public var isRaised: Bool { lock.withLock { raised } }

    public func raise() { lock.withLock { raised = true } }
}

/// Turns SIGINT and SIGTERM into a raised `InterruptFlag` while installed. The default handlers are
/// ignored (`SIG_IGN`) so the process survives to commit its state; a second signal restores the
/// default and re-sends it, for a user who really wants the process gone now (the store stays
/// consistent under a kill: it loses at most the epoch in flight).
public final class SignalInterrupter {
    private var sources: [DispatchSourceSignal] = []
    /// Each signal's disposition before installation (e.g. SIG_IGN under `nohup`), restored by `uninstall`.
    private var previous: [(Int32, (@convention(c) (Int32) -> Void)?)] = []

    public init(raising flag: InterruptFlag) {
        for sig in [SIGINT, SIGTERM] {
            previous.append((sig, signal(sig, SIG_IGN)))
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if flag.isRaised {
                    signal(sig, SIG_DFL)
                    kill(getpid(), sig)
                }
                flag.raise()
                FileHandle.standardError.write(Data("\nstopping after the current step (send the signal again to quit at once)…\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Removes the handlers and restores the signal dispositions found at installation.
    public func uninstall() {
        for source in sources { source.cancel() }
        sources = []
        for (sig, handler) in previous { signal(sig, handler) }
        previous = []
    }
}

/// Raised inside `RunTrainer` when the stop flag is seen between steps; the runner marks the run and
/// rethrows it as `RunInterrupted` with the plan's counts.
struct TrainingStopped: Error, CustomStringConvertible {
    var epoch: Int
    var step: Int

    var description: String {
        "interrupted at epoch \(epoch) after \(step) steps; a rerun trains this run again from its start"
    }
}
