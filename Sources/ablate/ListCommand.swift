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

    func run() throws {
        print(HarnessCommands.list(), terminator: "")
    }
}
