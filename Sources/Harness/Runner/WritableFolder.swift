import Foundation

/// A folder the runner must write to cannot be written: found before any training starts.
public struct FolderNotWritable: Error, Equatable, CustomStringConvertible {
    /// The folder, as given.
    public var folder: String
    /// What goes there ("the results database", "the results tables").
    public var role: String
    public var reason: String

    public var description: String {
        "Cannot write to \(folder), the folder of \(role): \(reason). Nothing was trained. "
            + "Make it writable (check its permissions, free disk space, or a read-only mount), or choose another folder "
            + (role.contains("database") ? "with --store." : "with --results.")
    }
}

/// Checks that a folder can be written by creating (making the folder if needed) and deleting a probe file.
enum WritableFolder {
    static func require(_ folder: String, role: String) throws {
        let fm = FileManager.default
        let probe = folder + "/.fiabench-write-probe-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("probe".utf8).write(to: URL(fileURLWithPath: probe))
            try fm.removeItem(atPath: probe)
        } catch {
            throw FolderNotWritable(folder: folder, role: role, reason: Self.reason(error))
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(posix.code)) {
            return String(cString: message).lowercased()
        }
        return ns.localizedDescription
    }
}
