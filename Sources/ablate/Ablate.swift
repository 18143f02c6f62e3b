import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

/// `ablate`: plan, run and report RRSIS ablations. Every subcommand is a few lines calling `Harness`.
struct Ablate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Plan, run and report referring remote-sensing segmentation ablations.",
        subcommands: [RunCommand.self, ListCommand.self, PlanCommand.self, ReportCommand.self, CompareCommand.self, HistoryCommand.self,
                      SubmitCommand.self, RunTaskCommand.self, MergeCommand.self, ExportNotebookCommand.self, EvaluateCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// `--record-commit`, for the commands that train (`run`, `submit`).
struct RecordCommitOption: ParsableArguments {
    @Flag(help: "Fold the current commit (git rev-parse HEAD, read when the command starts) into run keys, so a rerun on a new commit trains new runs that `ablate compare` and `ablate history` can set against the old ones. Excludes --commit.")
    var recordCommit = false

    /// The commit to fold into run keys: HEAD with `--record-commit`, else `given` (`--commit`).
    func commit(given: String?) throws -> String? {
        guard recordCommit else { return given }
        if given != nil { throw ValidationError("--record-commit and --commit are exclusive: pick one.") }
        guard let head = RunEnvironment.current().commit else {
            throw ValidationError("--record-commit needs a git repository: `git rev-parse HEAD` failed here.")
        }
        return head
    }
}

/// Options shared by the commands that take a spec.
struct SpecOptions: ParsableArguments {
    @Argument(help: "The ablation spec, e.g. Ablations/fiam_vs_coarse.json (path case is forgiven).")
    var spec: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, e.g. --set train.epochs=2 (JSON-typed value; repeatable).",
                                                         valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "The results database.")
    var store: String = ResultStore.defaultPath

    @Option(help: "Fold this commit into run keys (reruns on a new commit become new runs).")
    var commit: String?
}
