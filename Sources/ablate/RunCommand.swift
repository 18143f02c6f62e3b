import ArgumentParser
import Foundation
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train and evaluate every pending run of a spec, then write Results/<spec>/table.md and table.csv (the default command).")

    @OptionGroup var options: SpecOptions

    @Option(help: "Folder that receives <spec>/table.md and table.csv.")
    var results: String = ResultsFolder.defaultRoot

    @Flag(help: "Train runs again even if the store has them finished.")
    var force = false

    @Flag(help: "Write the test split's predicted masks as PNGs under Results/<spec>/runs/<run key>/predictions/.")
    var savePredictions = false

    func run() throws {
        var runner = AblationRunner(specPath: options.spec)
        runner.overrides = options.overrides
        runner.storePath = options.store
        runner.resultsRoot = results
        runner.commit = try options.commit()
        runner.force = force
        runner.savePredictions = savePredictions
        runner.stopsOnSignals = true
        // Progress and notes go to stderr, so stdout (the table) can be piped.
        runner.output = { FileHandle.standardError.write(Data($0.utf8)) }
        for warning in BuildTree.current().warnings() { runner.output("warning: \(warning)\n") }
        do {
            print(try runner.run(), terminator: "")
        } catch is RunInterrupted {
            throw ExitCode(130)   // 128 + SIGINT, as shells report an interrupted command; the runner printed how to resume
        }
    }
}
