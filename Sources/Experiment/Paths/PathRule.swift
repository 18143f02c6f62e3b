import Declarations
import Foundation
import RRSISModels

/// The one rule for paths written inside a spec (`extends`, `dataset.path`), applied while the spec is
/// loaded, so every command (`plan`, `run`, `report`, …) accepts and rejects the same specs:
///
/// - A relative path must stay inside its root folder once resolved: `..` folded and every symbolic link
///   followed (a link inside the project that points outside it counts as outside). The root of
///   `extends` is the folder of the spec named on the command line; the root of `dataset.path` is the
///   working directory (the project).
/// - An absolute path is the spec author's explicit choice (`/data/rrsisd`, a shared base spec) and is
///   taken as written.
public enum PathRule {
    /// Whether relative `path`, taken from folder `base`, resolves inside `root` (both absolute). Absolute
    /// paths always pass.
    public static func staysInside(_ path: String, from base: String, root: String) -> Bool {
        if path.hasPrefix("/") { return true }
        guard let joined = PathResolver.normalise(base + "/" + path) else { return false }
        let inside = resolved(joined), top = resolved(root)
        return inside == top || inside.hasPrefix(top == "/" ? "/" : top + "/")
    }

    /// `path` (absolute, normalised) with its longest existing prefix replaced by its real path (symlinks
    /// followed); the components that do not exist yet are appended unchanged.
    static func resolved(_ path: String) -> String {
        var existing = path
        var rest: [String] = []
        while !existing.isEmpty, existing != "/" {
            if let real = realPath(existing) { return ([real] + rest.reversed()).joined(separator: "/").replacingOccurrences(of: "//", with: "/") }
            let url = URL(fileURLWithPath: existing)
            rest.append(url.lastPathComponent)
            existing = url.deletingLastPathComponent().path
        }
        return "/" + rest.reversed().joined(separator: "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
