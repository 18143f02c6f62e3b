import Declarations
import Experiment
import Foundation
import RunStore
import Runner

/// How one array task ended, as Slurm reports it.
public struct TaskOutcome: Equatable, Sendable {
    /// Slurm's job state: `COMPLETED`, `FAILED`, `TIMEOUT`, `CANCELLED`, `OUT_OF_MEMORY`, `NODE_FAIL`…
    public var state: String
    /// The batch script's exit code (`ExitCode=3:0` → 3), when known.
    public var exitCode: Int?

    public init(state: String, exitCode: Int? = nil) { self.state = state; self.exitCode = exitCode }

    public var succeeded: Bool { state == "COMPLETED" && (exitCode ?? 0) == 0 }
}

/// Talks to Slurm through its commands (`sbatch`, `squeue`, `sacct`, `scontrol`) run as child processes,
/// and parses their answers. The parsers are pure functions, tested on real output.
public struct SlurmClient: Sendable {
    /// How often `wait` asks `squeue`.
    public var pollSeconds: Double = 10

    public init(pollSeconds: Double = 10) { self.pollSeconds = pollSeconds }

    /// Submits `script` with `sbatch --parsable` from `directory`; returns the job id.
    public func submit(script: String, directory: String) throws -> String {
        let result = try Self.run(["sbatch", "--parsable", script], in: directory)
        guard result.status == 0 else {
            throw SlurmError.commandFailed(command: "sbatch \(script)", status: result.status, output: result.stderr + result.stdout)
        }
        guard let id = Self.jobID(fromSbatch: result.stdout) else { throw SlurmError.unparsableJobID(output: result.stdout + result.stderr) }
        return id
    }

    /// Polls `squeue` until no task of `jobID` is pending or running (or `timeout` seconds pass), printing
    /// a line whenever the counts change; then asks `sacct` (or `scontrol`, without accounting) how each
    /// task ended. A task missing from the answer (the controller forgot it) has no entry.
    public func wait(jobID: String, timeout: Double? = nil, output: (String) -> Void) throws -> [Int: TaskOutcome] {
        let start = Date()
        var last = ""
        var complained = false
        while true {
            let result = try Self.run(["squeue", "--noheader", "--array", "--jobs", jobID, "--format", "%K|%T"])
            if result.status == 0 || result.stderr.contains("Invalid job id") {
                let states = result.status == 0 ? Self.queueStates(result.stdout) : [:]
                if states.isEmpty { break }
                let summary = Self.summary(states)
                if summary != last { output("job \(jobID): \(summary)\n"); last = summary }
            } else if !complained {
                // The controller may be restarting: keep asking until the timeout.
                output("squeue failed (exit status \(result.status)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); retrying\n")
                complained = true
            }
            if let timeout, Date().timeIntervalSince(start) > timeout { throw SlurmError.waitTimedOut(jobID: jobID, seconds: timeout) }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
        return try outcomes(jobID: jobID)
    }

    /// How the tasks of `jobID` ended: from `sacct` when accounting is on, else `scontrol show job`
    /// (which remembers finished jobs for the controller's MinJobAge, 5 minutes by default).
    public func outcomes(jobID: String) throws -> [Int: TaskOutcome] {
        let sacct = try? Self.run(["sacct", "--noheader", "--parsable2", "--allocations", "--jobs", jobID, "--format", "JobID,State,ExitCode"])
        if let sacct, sacct.status == 0, case let parsed = Self.accountingOutcomes(sacct.stdout, jobID: jobID), !parsed.isEmpty {
            return parsed
        }
        let scontrol = try Self.run(["scontrol", "--oneliner", "show", "job", jobID])
        return scontrol.status == 0 ? Self.controllerOutcomes(scontrol.stdout) : [:]
    }

    // MARK: Parsers

    /// The job id in `sbatch --parsable`'s answer (`123` or `123;cluster`), or in its plain answer
    /// (`Submitted batch job 123`).
    public static func jobID(fromSbatch text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let first = line.split(separator: ";").first.map(String.init) ?? ""
            if !first.isEmpty, first.allSatisfy(\.isNumber) { return first }
            if line.hasPrefix("Submitted batch job "), let id = line.split(separator: " ").last, id.allSatisfy(\.isNumber) {
                return String(id)
            }
        }
        return nil
    }

    /// `squeue --array --format '%K|%T'` lines → state per task index. A pending remainder that squeue
    /// still prints as a range (`2-3%2|PENDING`) counts once per index.
    public static func queueStates(_ text: String) -> [Int: String] {
        var states: [Int: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            for index in indexes(inRange: parts[0]) { states[index] = parts[1] }
        }
        return states
    }

    /// `sacct --parsable2 --format JobID,State,ExitCode` lines (`123_4|FAILED|3:0`) → outcome per task of `jobID`.
    public static func accountingOutcomes(_ text: String, jobID: String) -> [Int: TaskOutcome] {
        var outcomes: [Int: TaskOutcome] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, parts[0].hasPrefix(jobID + "_"), let index = Int(parts[0].dropFirst(jobID.count + 1)) else { continue }
            // "CANCELLED by 0" → "CANCELLED"
            let state = parts[1].split(separator: " ").first.map(String.init) ?? parts[1]
            outcomes[index] = TaskOutcome(state: state, exitCode: exitCode(parts[2]))
        }
        return outcomes
    }

    /// `scontrol --oneliner show job` lines (`… ArrayTaskId=2 … JobState=FAILED … ExitCode=3:0 …`) → outcome per task.
    public static func controllerOutcomes(_ text: String) -> [Int: TaskOutcome] {
        var outcomes: [Int: TaskOutcome] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            var fields: [String: String] = [:]
            for word in line.split(separator: " ") {
                guard let eq = word.firstIndex(of: "=") else { continue }
                fields[String(word[..<eq])] = String(word[word.index(after: eq)...])
            }
            guard let task = fields["ArrayTaskId"], let index = Int(task), let state = fields["JobState"] else { continue }
            outcomes[index] = TaskOutcome(state: state, exitCode: fields["ExitCode"].flatMap(exitCode))
        }
        return outcomes
    }

    /// `3:0` (exit code : signal) → 3.
    static func exitCode(_ text: String) -> Int? { text.split(separator: ":").first.flatMap { Int($0) } }

    /// `4`, `2-3`, `2-3%2`, `1,5-6` → the indexes.
    static func indexes(inRange text: String) -> [Int] {
        let list = text.split(separator: "%").first.map(String.init) ?? text
        return list.split(separator: ",").flatMap { part -> [Int] in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            switch bounds.count {
            case 1: return bounds
            case 2 where bounds[0] <= bounds[1]: return Array(bounds[0]...bounds[1])
            default: return []
            }
        }
    }

    /// `2 pending, 1 running` (states in a fixed order).
    static func summary(_ states: [Int: String]) -> String {
        var counts: [String: Int] = [:]
        for state in states.values { counts[state.lowercased(), default: 0] += 1 }
        let order = ["pending", "configuring", "running", "completing"]
        return counts.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
            .map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
    }

    // MARK: Processes

    struct CommandResult { var status: Int32; var stdout: String; var stderr: String }

    /// A pipe's bytes, filled on another queue and read after `DispatchGroup.wait()`.
    private final class Collected: @unchecked Sendable { var data = Data() }

    /// Runs `arguments` (the first found on PATH) to completion.
    static func run(_ arguments: [String], in directory: String? = nil) throws -> CommandResult {
        guard let executable = locate(arguments[0]) else { throw SlurmError.commandMissing(arguments[0]) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a chatty one cannot fill its pipe and stall it.
        let errors = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errors.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errors.data, as: UTF8.self))
    }

    /// The executable `name` on PATH (or `name` itself when it is a path).
    public static func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
