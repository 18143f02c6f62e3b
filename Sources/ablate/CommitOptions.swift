import ArgumentParser
import Foundation
import Reporting
import RunStore

/// `--commit REV` and `--record-commit`: which commit's runs a command trains or reads.
struct CommitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Use the runs of this commit (any git revision, or a prefix of a commit recorded in the store); "
                               + "`run` and `submit` fold it into run keys.", valueName: "rev"))
    var commit: String?

    @Flag(help: "Use the commit the ablate executable was built from (what `ablate run --record-commit` records): `run` and `submit` fold it into run keys, so a rerun on a new commit trains new runs that `ablate compare` and `ablate history` can set against the old ones; the other commands read those runs. Excludes --commit.")
    var recordCommit = false

    /// The full SHA to use, `nil` when neither option is given. `--commit` is resolved once: by `git rev-parse`,
    /// else as a prefix of a commit stored in `store`, else (a full 40-digit SHA, e.g. on a node without the
    /// repository) as given.
    /// - Throws: `CommitOptionError` when both are given, the revision does not resolve, or the build commit is unknown.
    func resolved(store: String, resolver: CommitResolver = CommitResolver()) throws -> String? {
        if recordCommit {
            if commit != nil { throw CommitOptionError.exclusive }
            return try BuildTree.current().commitToRecord()
        }
        guard let commit else { return nil }
        let stored = FileManager.default.fileExists(atPath: store) ? ((try? ResultStore.reading(store).storedCommits()) ?? []) : []
        do {
            return try resolver.resolve(commit, stored: stored)
        } catch let error as CompareError {
            if commit.count == 40, commit.allSatisfy(\.isHexDigit) { return commit.lowercased() }
            throw CommitOptionError.unresolved(commit, reason: error.description)
        }
    }
}

/// Why `--commit` / `--record-commit` cannot be used.
enum CommitOptionError: Error, CustomStringConvertible {
    case exclusive
    case unresolved(String, reason: String)

    var description: String {
        switch self {
        case .exclusive: return "--record-commit and --commit are exclusive: pick one."
        case let .unresolved(rev, reason): return "--commit \(rev): \(reason) Give a git revision (`git log --oneline` lists them)."
        }
    }
}
