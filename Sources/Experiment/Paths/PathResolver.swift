import Declarations
import Foundation
import RRSISModels

/// Resolves user-typed paths the way the README promises: the exact path when it exists, otherwise
/// each component matched case-insensitively, so `ablations/fiam_vs_coarse.json` finds
/// `Ablations/fiam_vs_coarse.json` on a case-sensitive file system without a second folder.
public enum PathResolver {
    /// Why a path did not resolve.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// `component` does not exist in `directory` under any capitalisation.
        case notFound(path: String, component: String, directory: String, suggestion: String?)
        /// Several entries of `directory` match `component` when case is ignored.
        case ambiguous(path: String, candidates: [String])

        public var description: String {
            switch self {
            case let .notFound(path, component, directory, suggestion):
                return "No such file \"\(path)\": \"\(component)\" is not in \(directory)."
                    + (suggestion.map { " Did you mean \"\($0)\"?" } ?? "")
            case let .ambiguous(path, candidates):
                return "\"\(path)\" is ambiguous when case is ignored: \(candidates.joined(separator: ", ")); type the exact name."
            }
        }
    }

    /// The path to use for `path`: unchanged when it exists; else with each component replaced by the one
    /// entry of its directory that equals it ignoring case. Relative paths are resolved against `base`
    /// and stay relative in the result (`ablations/x.json` → `Ablations/x.json`).
    public static func resolve(_ path: String, relativeTo base: String = FileManager.default.currentDirectoryPath) throws -> String {
        let fm = FileManager.default
        let absolute = path.hasPrefix("/")
        func onDisk(_ p: String) -> String { absolute ? p : (p.isEmpty ? base : base + "/" + p) }
        if fm.fileExists(atPath: onDisk(path)) { return path }

        var resolved: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            let prefix = (absolute ? "/" : "") + resolved.joined(separator: "/")
            if component == "." || component == ".." || fm.fileExists(atPath: onDisk(join(prefix, component))) {
                resolved.append(component)
                continue
            }
            let dir = onDisk(prefix)
            let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
            let matches = entries.filter { $0.lowercased() == component.lowercased() }.sorted()
            switch matches.count {
            case 1: resolved.append(matches[0])
            case 0:
                throw Failure.notFound(path: path, component: component, directory: prefix.isEmpty ? "the working directory" : prefix,
                                       suggestion: Suggestion.closest(to: component, in: entries.sorted()))
            default:
                throw Failure.ambiguous(path: path, candidates: matches.map { join(prefix, $0) })
            }
        }
        return (absolute ? "/" : "") + resolved.joined(separator: "/")
    }

    private static func join(_ a: String, _ b: String) -> String {
        a.isEmpty ? b : (a.hasSuffix("/") ? a + b : a + "/" + b)
    }

    /// `path` with `.` and `..` components folded (purely textual); `nil` when `..` climbs above the start.
    public static func normalise(_ path: String) -> String? {
        var out: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                if out.isEmpty { return nil }
                out.removeLast()
            } else {
                out.append(c)
            }
        }
        return (path.hasPrefix("/") ? "/" : "") + out.joined(separator: "/")
    }
}
