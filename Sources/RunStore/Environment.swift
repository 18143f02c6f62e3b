import Declarations
import Experiment
import Foundation
import Statistics

/// Facts about the code and machine a run was made with, for `RunRecord` provenance.
public struct RunEnvironment: Equatable, Sendable {
    /// The commit the executable was built from (`BuildTree.commit`), `nil` when unknown.
    public var commit: String?
    /// Whether that commit does not fully describe the executable's code (`BuildTree.describesBinary` is false);
    /// `nil` without a commit.
    public var dirty: Bool?
    /// First line of `swift --version`, or "unknown".
    public var toolchain: String
    public var host: String
    public var cores: Int

    public init(commit: String?, dirty: Bool?, toolchain: String, host: String, cores: Int) {
        self.commit = commit; self.dirty = dirty; self.toolchain = toolchain; self.host = host; self.cores = cores
    }

    /// Gathers the environment of `tree` (by default the tree this executable was built from, see `BuildTree`)
    /// and `swift --version` (about a second).
    public static func current(tree: BuildTree = .current()) -> RunEnvironment {
        let toolchain = run(["swift", "--version"])?.split(separator: "\n").first.map(String.init) ?? "unknown"
        return RunEnvironment(commit: tree.commit, dirty: tree.commit == nil ? nil : !tree.describesBinary, toolchain: toolchain,
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

/// The source tree an executable was compiled from, and whether its commit still describes the executable.
///
/// SwiftPM runs no script at build time for plain targets (and re-evaluates `Package.swift` only when it
/// changes), so the commit is not stamped into the binary; it is verified instead. The compiler bakes each
/// source file's absolute path into the binary (`#filePath`), which names the package folder it was built
/// from. At run time that folder's `git rev-parse HEAD` is the build commit when (1) no tracked source file
/// (`Sources/`, `Package.swift`, `Package.resolved`) is newer than the executable — `git checkout`, `git pull`
/// and edits all give the files they change a new modification time, so a binary built before them is caught —
/// and (2) the tree has no changes outside the tool's own outputs (`isDirty`). When either fails the commit
/// does not fully describe the binary and runs are recorded dirty; `--record-commit` refuses a stale binary.
public struct BuildTree: Equatable, Sendable {
    /// Folders the tool writes into (relative to the package root); their changes never make a tree dirty.
    public static let toolOutputs = [ResultsFolder.defaultRoot, "notebooks-export"]
    /// Tracked paths whose changes make a new binary (relative to the package root).
    static let sourcePaths = ["Sources", "Package.swift", "Package.resolved"]

    /// The package folder this executable was compiled from (this file is `<root>/Sources/RunStore/Environment.swift`).
    public static let compiledRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    public var root: String
    /// `git rev-parse HEAD` of `root`, `nil` when it is gone or not a repository.
    public var commit: String?
    /// Whether tracked files differ from HEAD, or untracked files exist, outside `toolOutputs` (`nil` without a commit).
    public var isDirty: Bool?
    /// A tracked source file modified after the executable was built (the newest one), `nil` when none is.
    public var newerSource: String?

    /// Whether `commit` is the exact code of the executable: a clean tree with no source newer than the binary.
    public var describesBinary: Bool { commit != nil && isDirty == false && newerSource == nil }

    /// The tree of the running executable.
    public static func current() -> BuildTree { inspect(root: compiledRoot, executable: executablePath) }

    /// Inspects `root` for a binary at `executable` (its modification time is when it was built).
    public static func inspect(root: String, executable: String?) -> BuildTree {
        let git = { (arguments: [String]) in RunEnvironment.run(["git", "-C", root] + arguments, keepEmpty: true) }
        guard let commit = git(["rev-parse", "--verify", "--quiet", "HEAD"]), !commit.isEmpty else {
            return BuildTree(root: root, commit: nil, isDirty: nil, newerSource: nil)
        }
        let excluded = toolOutputs.map { ":(exclude)" + $0 }
        let status = git(["status", "--porcelain", "--untracked-files=normal", "--", "."] + excluded)
        var newer: String?
        if let executable, let built = modificationDate(executable),
           let listed = git(["ls-files", "-z", "--"] + sourcePaths) {
            let files = listed.split(separator: "\0").map(String.init)
            newer = files.compactMap { f in modificationDate(root + "/" + f).map { (f, $0) } }
                .filter { $0.1 > built }.max { $0.1 < $1.1 }?.0
        }
        return BuildTree(root: root, commit: commit, isDirty: status.map { !$0.isEmpty } ?? true, newerSource: newer)
    }

    /// The commit `--record-commit` folds into run keys.
    /// - Throws: `BuildTreeError` when the commit would not describe the executable's code.
    public func commitToRecord() throws -> String {
        guard let commit else { throw BuildTreeError.noCommit(root: root) }
        if let newerSource { throw BuildTreeError.staleBinary(root: root, newest: newerSource) }
        return commit
    }

    /// Warnings for a command run in `workingDirectory`: a binary built from another tree or commit, a stale binary.
    public func warnings(workingDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        var out: [String] = []
        guard let commit else {
            return ["the tree ablate was built from (\(root)) is gone or not a git repository: runs record no commit."]
        }
        if let newerSource {
            out.append("\(newerSource) changed after ablate was built: commit \(commit.prefix(7)) does not describe this binary "
                       + "(runs are recorded dirty). Rebuild (`swift build`) or use `swift run ablate`.")
        }
        let here = RunEnvironment.run(["git", "-C", workingDirectory, "rev-parse", "--verify", "--quiet", "HEAD"])
        if here != commit {
            out.append("ablate was built from \(root) at \(commit.prefix(7)), but this directory is "
                       + (here.map { "at \($0.prefix(7))" } ?? "not in a git repository")
                       + ": runs record the commit the binary was built from (\(commit.prefix(7))).")
        }
        return out
    }

    /// `built from <sha> (<root>)`, with `, dirty` / `, stale` when the commit does not describe the binary.
    public var versionDescription: String {
        guard let commit else { return "build commit unknown: \(root) is not a git repository" }
        var flags: [String] = []
        if isDirty == true { flags.append("uncommitted changes") }
        if newerSource != nil { flags.append("sources changed since the build") }
        return "built from commit \(commit)" + (flags.isEmpty ? "" : ", " + flags.joined(separator: ", ")) + " in \(root)"
    }

    /// Path of the running executable (`/proc/self/exe` on Linux).
    public static var executablePath: String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// Why `--record-commit` refuses: the commit would not describe the code that trains.
public enum BuildTreeError: Error, Equatable, CustomStringConvertible {
    case noCommit(root: String)
    case staleBinary(root: String, newest: String)

    public var description: String {
        switch self {
        case let .noCommit(root):
            return "--record-commit needs the tree ablate was built from to be a git repository; \(root) is not (or is gone)."
        case let .staleBinary(root, newest):
            return "--record-commit: \(root)/\(newest) changed after this ablate was built, so no commit describes the binary. "
                + "Rebuild (`swift build`, or run through `swift run ablate`) and try again."
        }
    }
}

extension RunRecord {
    /// The provenance of `run` from `plan` in `environment`, with the thread count the runner uses.
    public init(_ run: PlannedRun, of plan: Plan, environment: RunEnvironment, threads: Int, startedAt: Date = Date()) {
        self.init(run, of: plan, commit: environment.commit, dirty: environment.dirty, toolchain: environment.toolchain,
                  host: environment.host, cores: environment.cores, threads: threads, startedAt: startedAt)
    }
}
