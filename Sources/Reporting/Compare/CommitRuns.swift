import Declarations
import Experiment
import Foundation
import GRDB
import RunStore
import Statistics

extension ResultStore {
    /// Every run stored with a commit in `commits` (any status), optionally of spec `name` only, in
    /// (spec, cell index, seed, start) order.
    public func runs(commits: [String], spec name: String? = nil) throws -> [StoredRun] {
        guard !commits.isEmpty else { return [] }
        let marks = commits.map { _ in "?" }.joined(separator: ", ")
        var sql = "SELECT run_key FROM runs WHERE commit_sha IN (\(marks))"
        var arguments = StatementArguments(commits)
        if let name { sql += " AND spec_name = ?"; arguments += [name] }
        let keys = try pool.read { db in try String.fetchAll(db, sql: sql + " ORDER BY spec_name, cell_index, seed, started_at", arguments: arguments) }
        return try keys.compactMap { try run($0) }
    }

    /// The distinct commits runs were recorded at.
    public func storedCommits() throws -> Set<String> {
        try pool.read { db in try String.fetchSet(db, sql: "SELECT DISTINCT commit_sha FROM runs WHERE commit_sha IS NOT NULL") }
    }

    /// The distinct spec names in the store.
    public func storedSpecNames() throws -> Set<String> {
        try pool.read { db in try String.fetchSet(db, sql: "SELECT DISTINCT spec_name FROM runs") }
    }
}

/// Why `ablate compare` or `ablate history` cannot start.
public enum CompareError: Error, Equatable, CustomStringConvertible {
    /// Neither git nor the stored commits know the revision.
    case unknownRevision(String)
    /// A hex prefix matching several stored commits (and git could not decide).
    case ambiguousRevision(String, matches: [String])
    /// No database at the path.
    case noStore(path: String)
    /// Base and head resolve to the same commit.
    case sameCommit(String)
    /// `--metric` is not a quality metric.
    case unknownMetric(String)
    /// `--split` is not a split runs record metrics on.
    case unknownSplit(String, valid: [String])

    public var description: String {
        switch self {
        case let .unknownRevision(rev):
            return "'\(rev)' is neither a git revision here nor a prefix of a commit recorded in the store."
        case let .ambiguousRevision(rev, matches):
            return "'\(rev)' is a prefix of several stored commits (\(matches.map { String($0.prefix(12)) }.joined(separator: ", "))); give more digits."
        case let .noStore(path):
            return "No results database at \(path); point --store at the database."
        case let .sameCommit(sha):
            return "Base and head are the same commit (\(sha.prefix(12))); compare two different commits."
        case let .unknownMetric(name):
            return "Unknown metric '\(name)'; use one of \(Metric.allCases.map(\.name).joined(separator: ", "))"
                + (Suggestion.closest(to: name, in: Metric.allCases.map(\.name)).map { " (did you mean \($0)?)" } ?? "") + "."
        case let .unknownSplit(split, valid):
            return "Unknown split '\(split)'; runs record metrics on \(valid.joined(separator: " and ")): use --split "
                + valid.joined(separator: " or --split ") + "."
        }
    }
}

/// Turns revisions into the full SHAs stored in `runs.commit_sha`, and commits into their subjects, through `git`.
public struct CommitResolver: Sendable {
    /// Runs git with these arguments and returns its trimmed standard output, `nil` on failure.
    public var git: @Sendable ([String]) -> String?

    /// `git -C directory …`.
    public init(directory: String = FileManager.default.currentDirectoryPath) {
        git = { RunEnvironment.run(["git", "-C", directory] + $0) }
    }

    public init(git: @escaping @Sendable ([String]) -> String?) { self.git = git }

    /// The full SHA of `rev`: what `git rev-parse` says; otherwise the one stored commit `rev` is a prefix of.
    /// - Throws: `CompareError.unknownRevision` / `.ambiguousRevision`.
    public func resolve(_ rev: String, stored: Set<String>) throws -> String {
        if let sha = git(["rev-parse", "--verify", "--quiet", rev + "^{commit}"]), !sha.isEmpty { return sha }
        let prefix = rev.lowercased()
        let matches = stored.filter { $0.lowercased().hasPrefix(prefix) }.sorted()
        guard !prefix.isEmpty, let first = matches.first else { throw CompareError.unknownRevision(rev) }
        guard matches.count == 1 else { throw CompareError.ambiguousRevision(rev, matches: matches) }
        return first
    }

    /// `git log -1 --format=%s sha`, `nil` when git does not know the commit.
    public func subject(_ sha: String) -> String? {
        git(["log", "-1", "--format=%s", sha])
    }
}

/// Which spec a `SPEC` argument names in the store: the spec file's name when it loads, else a stored spec
/// name equal to the argument or to its file stem.
public enum StoredSpecName {
    public static func resolve(_ argument: String, overrides: [String] = [], store: ResultStore) throws -> String {
        let stored = try store.storedSpecNames()
        do {
            return try SpecLoader().load(argument, overrides: overrides).name
        } catch {
            let stem = URL(fileURLWithPath: argument).deletingPathExtension().lastPathComponent
            if stored.contains(argument) { return argument }
            if stored.contains(stem) { return stem }
            throw error
        }
    }
}
