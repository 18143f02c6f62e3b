import ArgumentParser
import Harness

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train and evaluate every pending run of a spec, then write Results/<spec>/table.md and table.csv (the default command).")

    @OptionGroup var options: SpecOptions

    @Option(help: "Folder that receives <spec>/table.md and table.csv.")
    var results: String = "Results"

    @Flag(help: "Train runs again even if the store has them finished.")
    var force = false

    @Flag(help: "Write the test split's predicted masks as PNGs under Results/<spec>/runs/<run key>/predictions/.")
    var savePredictions = false

    @Flag(help: "Fold the current commit (git rev-parse HEAD) into run keys, so a rerun on a new commit trains new runs that `ablate compare` and `ablate history` can set against the old ones. Excludes --commit.")
    var recordCommit = false

    func validate() throws {
        if recordCommit && options.commit != nil { throw ValidationError("--record-commit and --commit are exclusive: pick one.") }
    }

    func run() throws {
        var runner = AblationRunner(specPath: options.spec)
        runner.overrides = options.overrides
        runner.storePath = options.store
        runner.resultsRoot = results
        runner.commit = options.commit
        if recordCommit {
            guard let head = RunEnvironment.current().commit else {
                throw ValidationError("--record-commit needs a git repository: `git rev-parse HEAD` failed here.")
            }
            runner.commit = head
        }
        runner.force = force
        runner.savePredictions = savePredictions
        runner.stopsOnSignals = true
        do {
            print(try runner.run(), terminator: "")
        } catch is RunInterrupted {
            throw ExitCode(130)   // 128 + SIGINT, as shells report an interrupted command; the runner printed how to resume
        }
    }
}
