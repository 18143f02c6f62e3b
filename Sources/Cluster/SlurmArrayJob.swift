import Declarations
import Experiment
import Foundation
import RunStore
import Runner

/// A spec's runs as one Slurm job array: task `i` trains run `i` of the plan (cell × seed, in plan order)
/// with `ablate run-task` into its own SQLite file `<results>/workers/<spec>-<i>.sqlite`, so no two
/// processes ever share a database file (SQLite's WAL needs shared memory, which a network file system
/// does not give across nodes). `ablate merge` folds the worker files into the main store afterwards.
///
/// Every path in the script is absolute: the compute nodes must see the ablate executable, the project
/// directory and the results folder at the same paths as the submitting machine (a shared file system).
public struct SlurmArrayJob: Equatable, Sendable {
    /// `--job-name`: the spec's name.
    public var jobName: String
    /// Plan indexes to run, ascending (all of them, or those not yet finished in the main store).
    public var indexes: [Int]
    /// At most this many tasks run at once (`%K` of `--array`); unlimited when nil.
    public var maxParallel: Int?
    /// `--cpus-per-task`; the engine, OpenBLAS and OpenMP thread counts are set to it.
    public var cpusPerTask: Int
    /// `--time` (Slurm syntax: `MM`, `HH:MM:SS`, `D-HH`…); the partition's default when nil.
    public var time: String?
    /// `--partition`; the cluster's default when nil.
    public var partition: String?
    /// More `#SBATCH` options as given (`--account=abc`, `--mem=8G`).
    public var extraOptions: [String]
    /// Absolute path of the `ablate` executable the tasks run.
    public var ablate: String
    /// Absolute path of the project: tasks start there, so relative spec and dataset paths resolve as here.
    public var projectDirectory: String
    /// The spec as it resolves from the project directory (relative or absolute).
    public var spec: String
    /// `--set key=value` overrides, passed on to every task (they change run keys).
    public var overrides: [String]
    /// The commit folded into run keys, if any (`--commit`; `--record-commit` resolves HEAD at submission).
    public var commit: String?
    /// Absolute path of the results folder: `workers/` and `slurm/` (logs, the script) go there.
    public var resultsRoot: String

    public init(jobName: String, indexes: [Int], maxParallel: Int? = nil, cpusPerTask: Int = 4, time: String? = nil,
                partition: String? = nil, extraOptions: [String] = [], ablate: String, projectDirectory: String, spec: String,
                overrides: [String] = [], commit: String? = nil, resultsRoot: String) {
        self.jobName = jobName; self.indexes = indexes; self.maxParallel = maxParallel; self.cpusPerTask = cpusPerTask
        self.time = time; self.partition = partition; self.extraOptions = extraOptions; self.ablate = ablate
        self.projectDirectory = projectDirectory; self.spec = spec; self.overrides = overrides; self.commit = commit
        self.resultsRoot = resultsRoot
    }

    /// Folder of the worker databases.
    public var workersFolder: String { resultsRoot + "/workers" }
    /// Folder of the task logs and the submitted script.
    public var logsFolder: String { resultsRoot + "/slurm" }
    /// Where `ablate submit` keeps the script it submitted.
    public var scriptPath: String { logsFolder + "/\(Self.fileName(jobName)).sbatch" }

    /// The worker database of task `index`.
    public func workerDatabase(_ index: Int) -> String { workersFolder + "/\(Self.fileName(jobName))-\(index).sqlite" }

    /// The log of task `index` of job `jobID` (the `--output` pattern, filled in).
    public func logFile(jobID: String, index: Int) -> String { logsFolder + "/\(Self.fileName(jobName))-\(jobID)_\(index).out" }

    /// `--array`'s value: the indexes as ranges (`0-8`, `1,3-5`), then `%K`.
    public var arraySpec: String {
        ArrayRanges.render(indexes) + (maxParallel.map { "%\($0)" } ?? "")
    }

    /// The batch script. `#SBATCH` values are double-quoted (Slurm's own parser, not a shell, reads them);
    /// the commands are single-quoted for the shell.
    public func render() throws -> String {
        precondition(!indexes.isEmpty, "a job array needs at least one index; submit nothing instead")
        for (path, role) in [(projectDirectory, "the project directory"), (resultsRoot, "the results folder")] {
            // Slurm strips backslashes from --output and then ignores its %A/%a patterns; a newline ends a directive.
            if path.contains("\\") || path.contains(where: \.isNewline) {
                throw SlurmError.unusablePath(path: path, role: role)
            }
        }
        let name = Self.fileName(jobName)
        var sbatch = [
            "--job-name=" + Self.directiveValue(jobName),
            "--array=" + arraySpec,
            "--ntasks=1",
            "--cpus-per-task=\(cpusPerTask)",
        ]
        if let time { sbatch.append("--time=" + Self.directiveValue(time)) }
        if let partition { sbatch.append("--partition=" + Self.directiveValue(partition)) }
        sbatch.append("--chdir=" + Self.directiveValue(projectDirectory))
        // %A is the array's job id and %a the task index; a literal % in the folder is written %%.
        let output = logsFolder.replacingOccurrences(of: "%", with: "%%") + "/\(name.replacingOccurrences(of: "%", with: "%%"))-%A_%a.out"
        sbatch.append("--output=" + Self.directiveValue(output))
        sbatch += extraOptions

        var task = [ablate, "run-task", spec, "--index"].map(Shell.quote) + ["\"$SLURM_ARRAY_TASK_ID\""]
        task += ["--db", Shell.quote(workersFolder + "/\(name)-") + "\"$SLURM_ARRAY_TASK_ID\"" + Shell.quote(".sqlite")]
        task += ["--results", Shell.quote(resultsRoot)]
        for o in overrides { task += ["--set", Shell.quote(o)] }
        if let commit { task += ["--commit", Shell.quote(commit)] }

        return """
            #!/bin/bash
            # FIABench: \(Self.oneLine(jobName)) as a Slurm job array, written by `ablate submit`. Task i trains run i of the plan
            # (`ablate plan` lists them in order) into its own database under \(Self.oneLine(workersFolder))/.
            \(sbatch.map { "#SBATCH " + Self.oneLine($0) }.joined(separator: "\n"))
            set -euo pipefail
            # One thread count for the engine, OpenBLAS and OpenMP: the task's CPUs (results depend on it).
            threads="${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}"
            export FIA_THREADS="$threads" OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
            export CI=true   # plain progress lines in the log
            cd \(Shell.quote(projectDirectory))
            exec \(task.joined(separator: " "))

            """
    }

    /// `value` as one `#SBATCH` argument: in double quotes, with `"` escaped.
    static func directiveValue(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `text` kept on one line of the script (a newline would end a comment or a directive).
    static func oneLine(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ") }

    /// A job or spec name as a file-name part (`/` would name a folder).
    public static func fileName(_ name: String) -> String { name.replacingOccurrences(of: "/", with: "_") }
}

/// POSIX shell quoting.
public enum Shell {
    /// `text` as one shell word: unchanged when it holds only safe characters, else in single quotes
    /// (a `'` inside becomes `'\''`).
    public static func quote(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")
        if !text.isEmpty && text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Slurm's index lists: `0-3,5,7-8`.
public enum ArrayRanges {
    /// Sorted, distinct indexes as the shortest list of ranges.
    public static func render(_ indexes: [Int]) -> String {
        var parts: [String] = []
        var sorted = Array(Set(indexes)).sorted()[...]
        while let first = sorted.first {
            var last = first
            sorted = sorted.dropFirst()
            while sorted.first == last + 1 { last += 1; sorted = sorted.dropFirst() }
            parts.append(first == last ? "\(first)" : "\(first)-\(last)")
        }
        return parts.joined(separator: ",")
    }
}
