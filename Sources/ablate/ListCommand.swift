import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every registered component with its parameters.")

    @Flag(help: "Print one JSON object (schema in README, \"JSON output\") instead of the text.")
    var json = false

    func run() throws {
        print(json ? JSONDocuments.list() : HarnessCommands.list(), terminator: "")
    }
}
