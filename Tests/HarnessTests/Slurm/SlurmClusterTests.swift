import Foundation
import Testing
@testable import RunStore
@testable import Cluster
import RRSISModels

/// Whether a Slurm cluster answers here: `sbatch` is on PATH and `sinfo` lists a node that takes jobs.
/// CI starts a one-node cluster on loopback with `bash .ci/slurm`; elsewhere the tests below are skipped.
enum SlurmCluster {
    static let isReachable: Bool = {
        guard SlurmClient.locate("sbatch") != nil, let sinfo = SlurmClient.locate("sinfo") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sinfo)
        process.arguments = ["--noheader", "--format", "%T"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate(); return false }
        let states = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus == 0 && states.split(whereSeparator: \.isNewline).contains { ["idle", "mixed", "allocated"].contains($0) }
    }()
}

/// The smoke spec submitted to a real Slurm as a job array, waited for, merged — and the table it gives
/// compared with a local run's at the same thread count.
@Suite(.serialized,
       .enabled(if: AblateProcess.executable != nil, "the ablate executable is built by `swift test`"),
       .enabled(if: SlurmCluster.isReachable, "no Slurm cluster here: needs sbatch on PATH and sinfo listing a usable node (`bash .ci/slurm` starts one)"))
struct SlurmClusterTests {
    static let smoke = AblateProcess.repository + "/Ablations/smoke.json"

    /// A table.csv as rows of fields, without the timing columns (wall-clock times differ between any two
    /// runs; everything else — metrics, deltas, params, MACs — must not).
    static func tableWithoutTimings(_ path: String) throws -> [[String]] {
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let keep = rows[0].indices.filter { !["s/epoch", "s/step", "ms/image"].contains(where: rows[0][$0].contains) }
        return rows.map { row in keep.map { row[$0] } }
    }

    @Test(.timeLimit(.minutes(10)))
    func theSmokeSpecAsAJobArrayGivesTheLocalTable() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // Parallel reductions make the numbers depend on the thread count: run locally with the tasks' one thread.
        let local = try AblateProcess.run([Self.smoke, "--store", "local.sqlite", "--results", "Local"], in: dir.path,
                                          environment: ["FIA_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"])
        #expect(local.status == 0, "\(local.output)")

        let submit = try AblateProcess.run(["submit", Self.smoke, "--slurm", "--cpus", "1", "--max-parallel", "2", "--time", "10:00",
                                            "--store", "main.sqlite", "--results", "Results", "--wait", "--poll-seconds", "1",
                                            "--wait-timeout", "420"], in: dir.path)
        #expect(submit.status == 0, "\(submit.output)")
        let id = try #require(submit.output.split(separator: "\n").first { $0.hasPrefix("submitted Slurm job ") }?
            .dropFirst("submitted Slurm job ".count).prefix { $0.isNumber })
        if submit.status != 0 { _ = try? SlurmClient.run(["scancel", String(id)]) }   // --wait gave up: leave no job behind
        #expect(submit.output.contains("submitted Slurm job \(id): smoke, 2 tasks (--array=0-1%2, 1 CPU each)"))
        #expect(submit.output.contains("merge --store main.sqlite --spec \(Self.smoke) --results Results Results/workers/smoke-[0-9]*.sqlite"))
        #expect(submit.output.contains("/Results/workers/smoke-0.sqlite: 1 run copied, 0 already present"))
        #expect(submit.output.contains("/Results/workers/smoke-1.sqlite: 1 run copied, 0 already present"))

        // Each task trained its one run, with one thread, into its own file, and logged plain lines.
        for (index, cell) in [(0, "Coarse alignment"), (1, "FIAM")] {
            let runs = try ResultStore(path: dir.path + "/Results/workers/smoke-\(index).sqlite").runs(spec: "smoke")
            #expect(runs.map(\.record.cellName) == [cell] && runs.allSatisfy { $0.status == .finished && $0.record.threads == 1 })
            let log = try String(contentsOfFile: dir.path + "/Results/slurm/smoke-\(id)_\(index).out", encoding: .utf8)
            #expect(log.contains("smoke index \(index) (run \(index + 1) of 2): \(cell), seed 0") && log.contains("✓ \(cell), seed 0"))
        }
        let slurmTable = try Self.tableWithoutTimings(dir.path + "/Results/smoke/table.csv")
        #expect(slurmTable.count == 3 && slurmTable[0].count >= 20)
        #expect(slurmTable == (try Self.tableWithoutTimings(dir.path + "/Local/smoke/table.csv")))
        // Same run keys as the local run.
        let keys = { (path: String) in Set(try ResultStore(path: dir.path + "/" + path).runs(spec: "smoke").map(\.record.runKey)) }
        #expect(try keys("main.sqlite") == keys("local.sqlite"))

        // The printed merge command, run again, adds nothing and reports the same table.
        let table = try String(contentsOfFile: dir.path + "/Results/smoke/table.csv", encoding: .utf8)
        let workers = (try FileManager.default.contentsOfDirectory(atPath: dir.path + "/Results/workers")).filter { $0.hasSuffix(".sqlite") }
            .sorted().map { "Results/workers/" + $0 }
        #expect(workers == ["Results/workers/smoke-0.sqlite", "Results/workers/smoke-1.sqlite"])
        let again = try AblateProcess.run(["merge", "--store", "main.sqlite", "--spec", Self.smoke, "--results", "Results"] + workers, in: dir.path)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("Results/workers/smoke-0.sqlite: 0 runs copied, 1 already present\n"
                                      + "Results/workers/smoke-1.sqlite: 0 runs copied, 1 already present\n"))
        #expect(try String(contentsOfFile: dir.path + "/Results/smoke/table.csv", encoding: .utf8) == table)

        // Submitting again finds every run finished in the main store and submits nothing.
        let resubmit = try AblateProcess.run(["submit", Self.smoke, "--slurm", "--store", "main.sqlite", "--results", "Results"], in: dir.path)
        #expect(resubmit.status == 0 && resubmit.output.contains("smoke: all 2 runs are already finished in main.sqlite; nothing to submit."))
    }

    /// Tasks that fail (here: an "ablate" that is /bin/false) are named with Slurm's state and their log,
    /// and `--wait` exits 1 listing the runs still to do.
    @Test(.timeLimit(.minutes(5)))
    func failedTasksAreReportedAndWaitExitsNonZero() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let submit = try AblateProcess.run(["submit", Self.smoke, "--slurm", "--cpus", "1", "--ablate", "/bin/false", "--store", "main.sqlite",
                                            "--wait", "--poll-seconds", "1", "--wait-timeout", "240"], in: dir.path)
        #expect(submit.status == 1, "\(submit.output)")
        let id = try #require(submit.output.split(separator: "\n").first { $0.hasPrefix("submitted Slurm job ") }?
            .dropFirst("submitted Slurm job ".count).prefix { $0.isNumber })
        for index in 0..<2 {
            #expect(submit.output.contains("task \(index): FAILED (exit status 1) — log \(dir.path)/Results/slurm/smoke-\(id)_\(index).out"))
        }
        #expect(submit.output.contains("2 tasks left no database (see their logs)"))
        #expect(submit.output.hasSuffix("2 of 2 runs did not finish: Coarse alignment seed 0, FIAM seed 0. "
                                        + "Submit the same command again to train just those.\n"))
    }
}
