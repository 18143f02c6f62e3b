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

    func run() throws {
        print(try HarnessCommands.plan(spec: options.spec, overrides: options.overrides, storePath: options.store, commit: options.commit),
              terminator: "")
    }
}
