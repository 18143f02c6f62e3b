import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write Results/<spec>/table.md and table.csv from the database alone, and print the table.")

    @OptionGroup var options: SpecOptions

    @Option(help: "Folder that receives <spec>/table.md and table.csv.")
    var results: String = ResultsFolder.defaultRoot

    @Flag(help: "Print one JSON object (schema in README, \"JSON output\") instead of the text.")
    var json = false

    func run() throws {
        print(try HarnessCommands.report(spec: options.spec, overrides: options.overrides, storePath: options.store,
                                         resultsRoot: results, commit: try options.commit(), json: json), terminator: "")
    }
}
