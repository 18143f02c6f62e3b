import Declarations
import Experiment
import RunStore
import Runner

/// What went wrong on the Slurm path, as sentences a researcher can act on.
public enum SlurmError: Error, Equatable, CustomStringConvertible {
    /// A path Slurm cannot carry in a batch script (a backslash or a newline).
    case unusablePath(path: String, role: String)
    /// A Slurm command is not on PATH.
    case commandMissing(String)
    /// `--ablate` names no executable file.
    case notExecutable(path: String)
    /// A Slurm command failed.
    case commandFailed(command: String, status: Int32, output: String)
    /// `sbatch` answered without a job id.
    case unparsableJobID(output: String)
    /// `run-task --index` outside the plan.
    case indexOutOfRange(index: Int, runs: Int, spec: String)
    /// `submit --wait` gave up while tasks were still queued or running.
    case waitTimedOut(jobID: String, seconds: Double)
    /// `submit` without an engine.
    case noEngine

    public var description: String {
        switch self {
        case let .unusablePath(path, role):
            return "Slurm cannot use \(role) \"\(path)\" in a batch script: it contains a backslash or a line break "
                + "(Slurm strips backslashes from --output paths). Move it, or choose another folder with --results."
        case let .commandMissing(name):
            return "`\(name)` is not on PATH: run `ablate submit` on a Slurm login node (or install slurm-client). "
                + "`--dry-run` prints the script without submitting it."
        case let .notExecutable(path):
            return "--ablate \(path) is not an executable file; build one (`swift build -c release`) and give its path."
        case let .commandFailed(command, status, output):
            let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "`\(command)` failed (exit status \(status))" + (text.isEmpty ? "." : ": \(text)")
        case let .unparsableJobID(output):
            return "sbatch did not print a job id (it said: \(output.trimmingCharacters(in: .whitespacesAndNewlines)))."
        case let .indexOutOfRange(index, runs, spec):
            return "--index \(index) is out of range: \(spec) plans \(runs) run\(runs == 1 ? "" : "s")"
                + (runs > 0 ? " (indexes 0–\(runs - 1); `ablate plan \(spec)` lists them in order)." : ".")
                + " Was the array submitted with other --set overrides, or has the spec changed since?"
        case let .waitTimedOut(jobID, seconds):
            return "Job \(jobID) still has tasks queued or running after \(Format.duration(seconds)); they go on. "
                + "Watch them with `squeue -j \(jobID)`, then run the merge command printed above."
        case .noEngine:
            return "Choose where to submit: `ablate submit SPEC --slurm` (Slurm is the only engine so far)."
        }
    }
}
