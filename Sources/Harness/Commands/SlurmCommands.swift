import Cluster
import Declarations
import Experiment
import Figures
import Foundation
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// What `ablate submit --slurm` and `ablate merge` do, so the executable only parses arguments.
public enum SlurmCommands {
    /// The options of `ablate submit`.
    public struct Submission {
        public var spec: String
        public var overrides: [String] = []
        /// The main store: runs finished there are not submitted again; `--wait` merges into it.
        public var storePath: String = ResultStore.defaultPath
        public var commit: String?
        public var resultsRoot: String = ResultsFolder.defaultRoot
        public var partition: String?
        public var time: String?
        public var cpusPerTask = 4
        public var maxParallel: Int?
        /// More `#SBATCH` options (`--account=abc`).
        public var extraOptions: [String] = []
        /// The executable the tasks run; this process's own when nil.
        public var ablate: String?
        /// Print the script instead of submitting it.
        public var dryRun = false
        /// Poll until the array has finished, then merge and report.
        public var wait = false
        public var waitTimeout: Double?
        public var pollSeconds: Double = 10

        public init(spec: String) { self.spec = spec }
    }

    /// `ablate submit SPEC --slurm`: writes the job array's script under `<results>/slurm/`, submits it
    /// with `sbatch`, and prints the job id and the merge command; with `wait`, waits for the array, merges
    /// the worker databases and reports. Runs already finished in the main store are left out of the array.
    /// - Returns: the exit status: 0, or 1 when (with `wait`) some run did not finish.
    public static func submit(_ s: Submission, output: (String) -> Void) throws -> Int32 {
        let spec = try SpecLoader().load(s.spec, overrides: s.overrides)
        let plan = Plan(spec, commit: s.commit)
        let finished = FileManager.default.fileExists(atPath: s.storePath) ? try ResultStore.reading(s.storePath).finishedRunKeys() : []
        let indexes = plan.runs.indices.filter { !finished.contains(plan.runs[$0].runKey) }
        let project = FileManager.default.currentDirectoryPath
        let ablate = absolute(s.ablate ?? currentExecutable(), in: project)
        guard FileManager.default.isExecutableFile(atPath: ablate) else { throw SlurmError.notExecutable(path: ablate) }
        let job = SlurmArrayJob(
            jobName: spec.name, indexes: indexes, maxParallel: s.maxParallel, cpusPerTask: s.cpusPerTask, time: s.time,
            partition: s.partition, extraOptions: s.extraOptions, ablate: ablate,
            projectDirectory: project, spec: spec.file, overrides: s.overrides, commit: s.commit, resultsRoot: absolute(s.resultsRoot, in: project))
        let mergeCommand = self.mergeCommand(job, submission: s)
        if indexes.isEmpty {
            output("\(spec.name): all \(plan.runs.count) runs are already finished in \(s.storePath); nothing to submit.\n")
            if s.wait { output(try HarnessCommands.report(spec: s.spec, overrides: s.overrides, storePath: s.storePath,
                                                          resultsRoot: s.resultsRoot, commit: s.commit, ansi: false)) }
            return 0
        }
        let script = try job.render()
        if s.dryRun { output(script); return 0 }

        try WritableFolder.require(job.logsFolder, role: "the Slurm script and logs")
        try WritableFolder.require(job.workersFolder, role: "the worker databases")
        try script.write(toFile: job.scriptPath, atomically: true, encoding: .utf8)
        let client = SlurmClient(pollSeconds: s.pollSeconds)
        let id = try client.submit(script: job.scriptPath, directory: project)
        output("""
            submitted Slurm job \(id): \(spec.name), \(indexes.count) task\(indexes.count == 1 ? "" : "s") (--array=\(job.arraySpec), \
            \(s.cpusPerTask) CPU\(s.cpusPerTask == 1 ? "" : "s") each); \(plan.runs.count - indexes.count) of \(plan.runs.count) runs \
            already finished in \(s.storePath)
              script  \(job.scriptPath)
              logs    \(job.logFile(jobID: id, index: indexes[0]))\(indexes.count > 1 ? " … (one per task)" : "")
              watch   squeue -j \(id)
            when the array has finished, merge the worker databases and report:
              \(mergeCommand)

            """)
        guard s.wait else { return 0 }

        let outcomes = try client.wait(jobID: id, timeout: s.waitTimeout, output: output)
        for index in indexes {
            guard let outcome = outcomes[index], !outcome.succeeded else { continue }
            let log = job.logFile(jobID: id, index: index)
            output("task \(index): \(outcome.state)\(outcome.exitCode.map { " (exit status \($0))" } ?? "") — log \(log)\n"
                   + tail(log, lines: 8).map { "    " + $0 + "\n" }.joined())
        }
        let databases = indexes.map(job.workerDatabase).filter { FileManager.default.fileExists(atPath: $0) }
        let missing = indexes.count - databases.count
        if missing > 0 { output("\(missing) task\(missing == 1 ? "" : "s") left no database (see their logs)\n") }
        if !databases.isEmpty {
            output(try merge(databases: databases, storePath: s.storePath, spec: s.spec, overrides: s.overrides,
                             commit: s.commit, resultsRoot: s.resultsRoot))
        }
        let nowFinished = try ResultStore(path: s.storePath).finishedRunKeys()
        let unfinished = plan.runs.filter { !nowFinished.contains($0.runKey) }
        guard unfinished.isEmpty else {
            output("\(unfinished.count) of \(plan.runs.count) runs did not finish: "
                   + unfinished.map { "\($0.cell.name) seed \($0.seed)" }.joined(separator: ", ")
                   + ". Submit the same command again to train just those.\n")
            return 1
        }
        return 0
    }

    /// `ablate merge DB…`: folds the worker databases into the main store (checking every file first),
    /// prints what each contributed, then writes the report of `spec` — or, without one, of every spec
    /// file named by the merged runs that exists here.
    public static func merge(databases: [String], storePath: String, spec: String? = nil, overrides: [String] = [],
                             commit: String? = nil, resultsRoot: String = ResultsFolder.defaultRoot, ansi: Bool = false) throws -> String {
        let files = try WorkerMerge.merge(databases, into: storePath)
        var text = "merged \(files.count) database\(files.count == 1 ? "" : "s") into \(storePath):\n" + files.map(\.summary).joined()
        var specs: [String]
        if let spec {
            specs = [spec]
        } else {
            specs = []
            for path in databases {
                for file in try ResultStore.reading(path).specFiles() where !specs.contains(file) { specs.append(file) }
            }
        }
        for file in specs {
            text += "\n"
            do {
                text += try HarnessCommands.report(spec: file, overrides: overrides, storePath: storePath, resultsRoot: resultsRoot,
                                                   commit: commit, ansi: ansi)
            } catch let error as SpecError where spec == nil {
                text += "no report for \(file), which cannot be loaded here: \(error)\nPass --spec with the spec file.\n"
            } catch let error as ReportError where spec == nil {
                text += "no report for \(file): \(error) If the runs were submitted with --set or --commit, pass --spec \(file) with the same options.\n"
            }
        }
        return text
    }

    /// The command that merges the job's worker databases and reports, as the user would type it.
    static func mergeCommand(_ job: SlurmArrayJob, submission s: Submission) -> String {
        var words = [Shell.quote(job.ablate), "merge", "--store", Shell.quote(s.storePath), "--spec", Shell.quote(job.spec),
                     "--results", Shell.quote(s.resultsRoot)]
        for o in s.overrides { words += ["--set", Shell.quote(o)] }
        if let commit = s.commit { words += ["--commit", Shell.quote(commit)] }
        // The glob stays outside the quotes, for the shell to expand; [0-9] keeps other specs' files out.
        let folder = s.resultsRoot.hasSuffix("/") ? String(s.resultsRoot.dropLast()) : s.resultsRoot
        words.append(Shell.quote(folder + "/workers/" + SlurmArrayJob.fileName(job.jobName) + "-") + "[0-9]*.sqlite")
        return words.joined(separator: " ")
    }

    /// The running executable's absolute path (`/proc/self/exe` on Linux).
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    static func absolute(_ path: String, in directory: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: directory).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// The last `lines` lines of a text file (none if it cannot be read).
    static func tail(_ path: String, lines: Int) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return Array(text.split(whereSeparator: \.isNewline).suffix(lines).map(String.init))
    }
}
