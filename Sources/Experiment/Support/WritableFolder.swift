import Declarations
import Foundation
import RRSISModels

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

/// Checks that a folder can be written by creating (making the folder if needed) and deleting a probe file,
/// and that its file system has room: a full disk is reported before training, not at the first commit.
public enum WritableFolder {
    /// Free space asked for by default: the synthetic data cache (tens of MB at the shipped sizes), the
    /// database's growth over an ablation and the tables, with margin.
    public static let defaultMinimumFreeBytes: Int64 = 64 << 20

    /// - Returns: the folders this call created, deepest first (a caller that fails later removes them
    ///   again with `removeIfEmpty`, so a rejected run leaves no empty `Results/<spec>/`).
    @discardableResult
    public static func require(_ folder: String, role: String, minimumFreeBytes: Int64 = defaultMinimumFreeBytes) throws -> [String] {
        let fm = FileManager.default
        let probe = folder + "/.fiabench-write-probe-\(ProcessInfo.processInfo.processIdentifier)"
        if let blocker = blockingFile(folder) {
            throw FolderNotWritable(folder: folder, role: role, reason: blocker)
        }
        var created: [String] = []
        var missing = URL(fileURLWithPath: folder).standardizedFileURL
        while !missing.path.isEmpty, missing.path != "/", !fm.fileExists(atPath: missing.path) {
            created.append(missing.path)
            missing = missing.deletingLastPathComponent()
        }
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("probe".utf8).write(to: URL(fileURLWithPath: probe))
            try fm.removeItem(atPath: probe)
        } catch {
            removeIfEmpty(created)
            throw FolderNotWritable(folder: folder, role: role, reason: Self.reason(error))
        }
        if let free = freeBytes(folder), free < minimumFreeBytes {
            removeIfEmpty(created)
            throw FolderNotWritable(folder: folder, role: role,
                                    reason: "its file system has only \(mebibytes(free)) free, and a run needs at least \(mebibytes(minimumFreeBytes))")
        }
        return created
    }

    /// Why `folder` cannot be a folder because it, or a folder above it, exists as something else
    /// ("Results/x is a regular file, not a folder"); nil when nothing is in the way. Checked before
    /// creating, because Foundation reports this case as a permission problem.
    public static func blockingFile(_ folder: String) -> String? {
        var path = URL(fileURLWithPath: folder).standardizedFileURL
        while !path.path.isEmpty, path.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : "\(path.path) is a file, not a folder"
            }
            path = path.deletingLastPathComponent()
        }
        return nil
    }

    /// Removes each of `folders` (deepest first) that is still empty; stops at the first that is not.
    public static func removeIfEmpty(_ folders: [String]) {
        for folder in folders {
            guard (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true else { return }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Bytes available to this user on the file system holding `folder` (`statvfs`), nil if unknown.
    static func freeBytes(_ folder: String) -> Int64? {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(posix.code)) {
            return String(cString: message).lowercased()
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteVolumeReadOnly.rawValue {
            return "its file system is mounted read-only"
        }
        return ns.localizedDescription
    }
}
