import Declarations
import Experiment
import Foundation
import Statistics

/// Facts about the code and machine a run was made with, for `RunRecord` provenance.
public struct RunEnvironment: Equatable, Sendable {
    /// `git rev-parse HEAD`, `nil` outside a repository (or without git).
    public var commit: String?
    /// Whether `git status --porcelain` lists changes (tracked or untracked files); `nil` without a commit.
    public var dirty: Bool?
    /// First line of `swift --version`, or "unknown".
    public var toolchain: String
    public var host: String
    public var cores: Int

    public init(commit: String?, dirty: Bool?, toolchain: String, host: String, cores: Int) {
        self.commit = commit; self.dirty = dirty; self.toolchain = toolchain; self.host = host; self.cores = cores
    }

    /// Gathers the environment by running `git` in `directory` and `swift --version` (about a second).
    public static func current(directory: String = FileManager.default.currentDirectoryPath) -> RunEnvironment {
        let commit = run(["git", "-C", directory, "rev-parse", "HEAD"])
        let status = commit == nil ? nil : run(["git", "-C", directory, "status", "--porcelain"], keepEmpty: true)
        let toolchain = run(["swift", "--version"])?.split(separator: "\n").first.map(String.init) ?? "unknown"
        return RunEnvironment(commit: commit, dirty: status.map { !$0.isEmpty }, toolchain: toolchain,
                              host: ProcessInfo.processInfo.hostName, cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Standard output of `arguments` (trimmed), `nil` if it cannot run or fails.
    public static func run(_ arguments: [String], keepEmpty: Bool = false) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty && !keepEmpty ? nil : text
    }
}

extension RunRecord {
    /// The provenance of `run` from `plan` in `environment`, with the thread count the runner uses.
    public init(_ run: PlannedRun, of plan: Plan, environment: RunEnvironment, threads: Int, startedAt: Date = Date()) {
        self.init(run, of: plan, commit: environment.commit, dirty: environment.dirty, toolchain: environment.toolchain,
                  host: environment.host, cores: environment.cores, threads: threads, startedAt: startedAt)
    }
}
