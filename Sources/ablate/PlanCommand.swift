import ArgumentParser
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Validate a spec and print its runs, run keys, what is already done and estimates, without training.")

    @OptionGroup var options: SpecOptions

    @Flag(help: "Print one JSON object (schema in README, \"JSON output\") instead of the text.")
    var json = false

    func run() throws {
        print(try HarnessCommands.plan(spec: options.spec, overrides: options.overrides, storePath: options.store, commit: try options.commit(),
                                       json: json),
              terminator: "")
    }
}
