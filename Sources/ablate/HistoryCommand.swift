import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Tabulate a metric of a spec per commit (newest first), mean ± std over seeds, one column per cell.")

    @Argument(help: "The spec (a spec file or a stored spec name).")
    var spec: String

    @Option(help: "Quality metric: oIoU, mIoU, Pr@0.5 … Pr@0.9.")
    var metric: String = "mIoU"

    @Option(help: "Split the metric comes from: val or test.")
    var split: String = "test"

    @Option(help: "The results database.")
    var store: String = ResultStore.defaultPath

    @Flag(help: "Print one JSON object (schema in README, \"JSON output\") instead of the text.")
    var json = false

    func run() throws {
        if json {
            print(JSONDocuments.history(try CompareCommands.historyTable(spec: spec, metric: metric, split: split, storePath: store)),
                  terminator: "")
        } else {
            print(try CompareCommands.history(spec: spec, metric: metric, split: split, storePath: store), terminator: "")
        }
    }
}
