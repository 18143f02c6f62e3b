import ArgumentParser
import Foundation
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a spec's runs as a Slurm job array (one task per cell × seed), each task into its own database.",
        discussion: """
        Writes <results>/slurm/<spec>.sbatch and submits it with sbatch. Task i runs `ablate run-task SPEC --index i \
        --db <results>/workers/<spec>-i.sqlite` from this directory, with the engine, OpenBLAS and OpenMP thread counts \
        set to --cpus. Runs already finished in --store are left out. Then merge the worker databases with the printed \
        `ablate merge` command (or pass --wait).

        The compute nodes must see this directory, the results folder and the ablate executable at the same paths \
        (a shared file system); pass --ablate for an executable elsewhere.
        """)

    @OptionGroup var options: SpecOptions

    @Flag(help: "Submit to Slurm (the only engine so far).")
    var slurm = false

    @Option(help: "Slurm partition (the cluster's default when omitted).")
    var partition: String?

    @Option(help: ArgumentHelp("Time limit of each task, in Slurm's syntax (e.g. 30, 2:00:00, 1-00).", valueName: "time"))
    var time: String?

    @Option(help: "CPUs per task; also the task's thread count.")
    var cpus: Int = 4

    @Option(help: ArgumentHelp("Run at most this many tasks at once (--array=…%K).", valueName: "K"))
    var maxParallel: Int?

    @Option(name: .customLong("sbatch-option"), help: ArgumentHelp("Another #SBATCH option, e.g. --sbatch-option=--account=abc (repeatable).", valueName: "option"))
    var sbatchOptions: [String] = []

    @Option(help: ArgumentHelp("The ablate executable the tasks run (default: this one).", valueName: "path"))
    var ablate: String?

    @Option(help: "Folder of the tables, worker databases (workers/) and Slurm logs (slurm/).")
    var results: String = ResultsFolder.defaultRoot

    @Flag(help: "Print the batch script instead of submitting it.")
    var dryRun = false

    @Flag(help: "Wait for the array to finish, then merge the worker databases into --store and report; exit 1 if a run did not finish.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait, give up after this many seconds (the tasks go on).", valueName: "seconds"))
    var waitTimeout: Double?

    @Option(help: ArgumentHelp("With --wait, ask squeue this often.", valueName: "seconds"))
    var pollSeconds: Double = 10

    func validate() throws {
        guard slurm else { throw ValidationError(SlurmError.noEngine.description) }
        guard cpus >= 1 else { throw ValidationError("--cpus must be at least 1.") }
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1.") }
        guard pollSeconds > 0 else { throw ValidationError("--poll-seconds must be positive.") }
    }

    func run() throws {
        var s = SlurmCommands.Submission(spec: options.spec)
        s.overrides = options.overrides
        s.storePath = options.store
        s.commit = try options.commit()
        s.resultsRoot = results
        s.partition = partition
        s.time = time
        s.cpusPerTask = cpus
        s.maxParallel = maxParallel
        s.extraOptions = sbatchOptions
        s.ablate = ablate
        s.dryRun = dryRun
        s.wait = wait
        s.waitTimeout = waitTimeout
        s.pollSeconds = pollSeconds
        // Written at once (not through print's buffer): with --wait, progress must reach a piped log as it happens.
        let status = try SlurmCommands.submit(s) { FileHandle.standardOutput.write(Data($0.utf8)) }
        if status != 0 { throw ExitCode(status) }
    }
}
