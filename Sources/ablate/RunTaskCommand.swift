import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct RunTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-task",
        abstract: "Train exactly run INDEX of a spec's plan (as `ablate plan` orders them) into its own database: one Slurm array task.",
        discussion: "The run key is the one `ablate run` gives the run. A run already finished in --db is skipped, so a rerun is safe. "
            + "SIGTERM (Slurm's time limit, scancel) stops after the current step and exits 130; the run is trained again next time.")

    @Argument(help: "The ablation spec, as for `ablate run`.")
    var spec: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, as for `ablate run` (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(parsing: .unconditional, help: "Position of the run in the plan, from 0 ($SLURM_ARRAY_TASK_ID).")
    var index: Int

    @Option(help: ArgumentHelp("This task's own database file.", valueName: "path"))
    var db: String

    @Option(help: "Fold this commit into the run key.")
    var commit: String?

    @Option(help: "Results folder (the dataset cache goes to <results>/.cache).")
    var results: String = ResultsFolder.defaultRoot

    func validate() throws {
        guard index >= 0 else {
            throw ValidationError("--index must be a position in the plan, 0 or more (`ablate plan \(spec)` lists the runs in order); found \(index).")
        }
    }

    func run() throws {
        var task = ArrayTask(specPath: spec, index: index, databasePath: db)
        task.overrides = overrides
        task.commit = commit
        task.resultsRoot = results
        task.stopsOnSignals = true
        do {
            try task.run()
        } catch is RunInterrupted {
            throw ExitCode(130)
        }
    }
}
