import Foundation
import Testing
@testable import Harness
@testable import Cluster
import RRSISModels

/// The batch script `ablate submit --slurm` writes, checked line by line, and the merge command it prints.
struct SlurmScriptTests {
    static func job(_ edit: (inout SlurmArrayJob) -> Void = { _ in }) -> SlurmArrayJob {
        var job = SlurmArrayJob(jobName: "fiam_vs_coarse", indexes: Array(0..<9), maxParallel: 3, cpusPerTask: 4, time: "2:00:00",
                                partition: "cpu", ablate: "/home/r/FIABench/.build/debug/ablate", projectDirectory: "/home/r/FIABench",
                                spec: "Ablations/fiam_vs_coarse.json", resultsRoot: "/home/r/FIABench/Results")
        edit(&job)
        return job
    }

    @Test func theScriptIsOneArrayTaskPerRunWithPinnedThreadsAndItsOwnDatabase() throws {
        #expect(try Self.job().render() == #"""
            #!/bin/bash
            # FIABench: fiam_vs_coarse as a Slurm job array, written by `ablate submit`. Task i trains run i of the plan
            # (`ablate plan` lists them in order) into its own database under /home/r/FIABench/Results/workers/.
            #SBATCH --job-name="fiam_vs_coarse"
            #SBATCH --array=0-8%3
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=4
            #SBATCH --time="2:00:00"
            #SBATCH --partition="cpu"
            #SBATCH --chdir="/home/r/FIABench"
            #SBATCH --output="/home/r/FIABench/Results/slurm/fiam_vs_coarse-%A_%a.out"
            set -euo pipefail
            # One thread count for the engine, OpenBLAS and OpenMP: the task's CPUs (results depend on it).
            threads="${SLURM_CPUS_PER_TASK:-4}"
            export FIA_THREADS="$threads" OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
            export CI=true   # plain progress lines in the log
            cd /home/r/FIABench
            exec /home/r/FIABench/.build/debug/ablate run-task Ablations/fiam_vs_coarse.json --index "$SLURM_ARRAY_TASK_ID" --db /home/r/FIABench/Results/workers/fiam_vs_coarse-"$SLURM_ARRAY_TASK_ID".sqlite --results /home/r/FIABench/Results

            """#)
    }

    @Test func partitionTimeAndThrottleAreOmittedWhenNotGiven() throws {
        let script = try Self.job { $0.partition = nil; $0.time = nil; $0.maxParallel = nil }.render()
        #expect(!script.contains("--partition") && !script.contains("--time"))
        #expect(script.contains("#SBATCH --array=0-8\n"))
    }

    @Test(arguments: [([0], "0"), ([0, 1, 2, 3], "0-3"), ([1, 3, 4, 5, 8], "1,3-5,8"), ([5, 2, 3, 2], "2-3,5"), ([], "")])
    func arrayIndexesAreWrittenAsRanges(indexes: [Int], expected: String) {
        #expect(ArrayRanges.render(indexes) == expected)
    }

    @Test func onlyPendingIndexesAreSubmittedWithTheThrottle() throws {
        let job = Self.job { $0.indexes = [1, 2, 3, 7]; $0.maxParallel = 2 }
        #expect(job.arraySpec == "1-3,7%2")
        #expect(try job.render().contains("#SBATCH --array=1-3,7%2\n"))
    }

    @Test func pathsWithSpacesQuotesAndPercentSignsAreQuotedForSlurmAndTheShell() throws {
        let script = try Self.job {
            $0.projectDirectory = "/home/r/My Project"
            $0.resultsRoot = "/home/r/My Project/Results 100%"
            $0.ablate = "/opt/it's here/ablate"
            $0.spec = "Ablations/my spec.json"
            $0.jobName = "my \"spec\""
            $0.overrides = ["train.epochs=2", "variants.rows=[{\"name\": \"A B\"}]"]
            $0.commit = "abc123"
        }.render()
        // #SBATCH values: Slurm's parser reads double quotes and \" (tried against sbatch 22.05); %% is a literal %.
        #expect(script.contains(#"#SBATCH --chdir="/home/r/My Project""#))
        #expect(script.contains(#"#SBATCH --output="/home/r/My Project/Results 100%%/slurm/my \"spec\"-%A_%a.out""#))
        #expect(script.contains(#"#SBATCH --job-name="my \"spec\"""#))
        // The shell: single quotes, a quote inside as '\''.
        #expect(script.contains("cd '/home/r/My Project'\n"))
        #expect(script.contains(#"exec '/opt/it'\''s here/ablate' run-task 'Ablations/my spec.json' --index "$SLURM_ARRAY_TASK_ID" "#
                                + #"--db '/home/r/My Project/Results 100%/workers/my "spec"-'"$SLURM_ARRAY_TASK_ID".sqlite "#
                                + #"--results '/home/r/My Project/Results 100%' --set train.epochs=2 "#
                                + #"--set 'variants.rows=[{"name": "A B"}]' --commit abc123"#))
        // …and bash reads it back as those words: echo each argument of the exec line on its own line.
        let exec = try #require(script.split(separator: "\n").first { $0.hasPrefix("exec ") })
        let words = try Self.bashWords("SLURM_ARRAY_TASK_ID=7; printf '%s\\n' " + exec.dropFirst("exec ".count))
        #expect(words == ["/opt/it's here/ablate", "run-task", "Ablations/my spec.json", "--index", "7",
                          "--db", #"/home/r/My Project/Results 100%/workers/my "spec"-7.sqlite"#,
                          "--results", "/home/r/My Project/Results 100%", "--set", "train.epochs=2",
                          "--set", #"variants.rows=[{"name": "A B"}]"#, "--commit", "abc123"])
    }

    /// The lines `command` prints under bash.
    static func bashWords(_ command: String) throws -> [String] {
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-c", command]
        let out = Pipe()
        bash.standardOutput = out
        try bash.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        bash.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func aResultsFolderWithABackslashIsRefused() {
        #expect(throws: SlurmError.unusablePath(path: #"/data/a\b"#, role: "the results folder")) {
            try Self.job { $0.resultsRoot = #"/data/a\b"# }.render()
        }
    }

    @Test func extraSbatchOptionsFollowTheOthers() throws {
        let script = try Self.job { $0.extraOptions = ["--account=proj42", "--mem=8G"] }.render()
        #expect(script.contains("/slurm/fiam_vs_coarse-%A_%a.out\"\n#SBATCH --account=proj42\n#SBATCH --mem=8G\nset -euo pipefail"))
    }

    @Test func theMergeCommandNamesTheStoreSpecOverridesAndAGlobOfThisSpecsWorkers() {
        var s = SlurmCommands.Submission(spec: "Ablations/fiam_vs_coarse.json")
        s.overrides = ["train.epochs=2"]
        s.commit = "abc123"
        s.resultsRoot = "My Results/"
        let command = SlurmCommands.mergeCommand(Self.job(), submission: s)
        #expect(command == "/home/r/FIABench/.build/debug/ablate merge --store Results/fiabench.sqlite --spec Ablations/fiam_vs_coarse.json "
                + "--results 'My Results/' --set train.epochs=2 --commit abc123 'My Results/workers/fiam_vs_coarse-'[0-9]*.sqlite")
    }

    @Test(arguments: [("plain", "plain"), ("", "''"), ("a b", "'a b'"), ("it's", #"'it'\''s'"#), ("$HOME", "'$HOME'"), ("x*", "'x*'")])
    func shellQuoting(text: String, quoted: String) {
        #expect(Shell.quote(text) == quoted)
    }
}
