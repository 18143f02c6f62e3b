import ArgumentParser
import Harness

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every registered component with its parameters.")

    func run() throws {
        print(HarnessCommands.list(), terminator: "")
    }
}
