import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct ExportNotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-notebook",
        abstract: "Write notebooks-export/<spec>.ipynb from the database alone: the table, pandas cells reading the database, and the figures.")

    @OptionGroup var options: SpecOptions

    @Option(help: "Results folder (its .cache holds the generated dataset that the qualitative panel draws).")
    var results: String = ResultsFolder.defaultRoot

    @Option(help: "Folder that receives <spec>.ipynb.")
    var out: String = HarnessCommands.notebookFolder

    func run() throws {
        print(try HarnessCommands.exportNotebook(spec: options.spec, overrides: options.overrides, storePath: options.store,
                                                 resultsRoot: results, outputFolder: out, commit: try options.commit()), terminator: "")
    }
}
