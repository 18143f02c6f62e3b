import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold worker databases (Slurm array tasks) into the main store, then report.",
        discussion: "Every file is checked first: a missing or damaged one stops the merge before the main store is touched. "
            + "A finished run is never replaced by an unfinished one; merging the same files again adds nothing.")

    @Argument(help: ArgumentHelp("Worker databases, e.g. Results/workers/smoke-*.sqlite.", valueName: "db"))
    var databases: [String] = []

    @Option(help: "The main results database.")
    var store: String = ResultStore.defaultPath

    @Option(help: "Report this spec (default: every spec file the merged runs name).")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Spec overrides the runs were submitted with (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "The commit the runs were submitted with (--commit, or --record-commit's).")
    var commit: String?

    @Option(help: "Folder that receives <spec>/table.md and table.csv.")
    var results: String = ResultsFolder.defaultRoot

    func validate() throws {
        if databases.isEmpty { throw ValidationError(MergeError.noDatabases.description) }
    }

    func run() throws {
        print(try SlurmCommands.merge(databases: databases, storePath: store, spec: spec, overrides: overrides, commit: commit,
                                      resultsRoot: results, ansi: Terminal.isInteractive), terminator: "")
    }
}
