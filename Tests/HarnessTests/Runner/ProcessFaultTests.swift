import Foundation
import Testing
@testable import RunStore
@testable import Runner
import RRSISModels

/// The built `ablate` executable under what only a real process meets: SIGKILL at random moments, and two
/// processes on one database. The spec is the smoke spec with three seeds and three epochs (6 runs of
/// about a second each), so kills land before, between and inside runs.
@Suite(.serialized, .enabled(if: AblateProcess.executable != nil, "the ablate executable is built by `swift test`"))
struct ProcessFaultTests {
    static let arguments = [AblateProcess.repository + "/Ablations/smoke.json", "--set", "seeds=[0,1,2]", "--set", "train.epochs=3"]

    static func arguments(_ dir: TempDir) -> [String] {
        arguments + ["--store", dir.path + "/fiabench.sqlite", "--results", dir.path + "/Results"]
    }

    /// Test-split and val-split metrics of every finished run, keyed by run key / split / name / tag.
    static func finishedMetrics(_ dir: TempDir) throws -> [String: Double] {
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        var out: [String: Double] = [:]
        for run in try store.runs(spec: "smoke") where run.status == .finished {
            for m in try store.metrics(runKey: run.record.runKey) {
                out["\(run.record.runKey)/\(m.split)/\(m.name)/\(m.tag ?? "")"] = m.value
            }
        }
        return out
    }

    /// The metrics of one uninterrupted run of the spec by a single process (computed once).
    static let reference: Result<[String: Double], Error> = Result {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try AblateProcess.run(arguments(dir), in: dir.path)
        guard status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: output]) }
        return try finishedMetrics(dir)
    }

    @Test func sigkillAtRandomMomentsNeverLosesAFinishedRunAndTheRerunMatchesAnUninterruptedOne() throws {
        let expected = try Self.reference.get()
        #expect(expected.count > 6 * 20)
        let dir = try TempDir()
        defer { dir.remove() }
        var random = SplitMix(seed: 2026)
        var kept: [String: Double] = [:], kills = 0
        for attempt in 0..<10 {
            let log = dir.path + "/attempt-\(attempt).log"
            let process = try AblateProcess.start(Self.arguments(dir), in: dir.path, log: log)
            let deadline = Date().addingTimeInterval(0.2 + 1.6 * random.unit())
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            // The database opens, is intact, and holds every run finished so far with its exact numbers.
            let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
            #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
            let now = try Self.finishedMetrics(dir)
            #expect(kept.allSatisfy { now[$0.key] == $0.value }, "attempt \(attempt) lost or changed a finished run")
            #expect(now.allSatisfy { expected[$0.key] == $0.value }, "attempt \(attempt) stored numbers an uninterrupted run does not have")
            kept = now
            if process.terminationReason == .exit {
                #expect(process.terminationStatus == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
                break
            }
        }
        #expect(kills >= 2, "the kills should land while the ablation is running")
        let finishedBefore = try ResultStore(path: dir.path + "/fiabench.sqlite").finishedRunKeys().count
        let (status, output) = try AblateProcess.run(Self.arguments(dir), in: dir.path)
        #expect(status == 0, "\(output)")
        // The rerun trains exactly the runs that had not finished, and nothing again.
        #expect(output.contains("\(finishedBefore) already finished in"), "\(output)")
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("✓ ") }.count == 6 - finishedBefore, "\(output)")
        #expect(try Self.finishedMetrics(dir) == expected)   // Double equality: bit for bit
        #expect(try ResultStore(path: dir.path + "/fiabench.sqlite").runs(spec: "smoke").map(\.status) == Array(repeating: .finished, count: 6))
    }

    @Test func twoProcessesOnOneDatabaseBothFinishAndTrainEachRunOnce() throws {
        let expected = try Self.reference.get()
        let dir = try TempDir()
        defer { dir.remove() }
        let logs = [dir.path + "/a.log", dir.path + "/b.log"]
        let processes = try logs.map { try AblateProcess.start(Self.arguments(dir), in: dir.path, log: $0) }
        for p in processes { p.waitUntilExit() }
        let outputs = logs.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
        for (p, out) in zip(processes, outputs) {
            #expect(p.terminationReason == .exit && p.terminationStatus == 0, "\(out)")
            #expect(out.contains("wrote "), "each process ends with the report: \(out)")
        }
        // Each finished run prints one "✓ <cell>, seed <s>:" line; across both processes, each of the 6 once.
        let trained = outputs.flatMap { $0.split(separator: "\n").filter { $0.hasPrefix("✓ ") }.map { String($0.prefix(while: { $0 != ":" })) } }
        #expect(trained.count == 6 && Set(trained).count == 6, "\(trained)")
        let runs = try ResultStore(path: dir.path + "/fiabench.sqlite").runs(spec: "smoke")
        #expect(runs.count == 6 && runs.allSatisfy { $0.status == .finished })
        #expect(try Self.finishedMetrics(dir) == expected)
    }
}

/// A tiny seeded generator (SplitMix64) for the kill moments.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
