import Declarations
import Foundation
import RRSISModels

/// What identifies a spec's data in run keys (`Plan.datasetFingerprint`).
///
/// - The synthetic benchmark: `DatasetSpec.fingerprint`, the hash of the dataset section — its generator
///   is deterministic, so the section identifies the data exactly (and its run keys never change).
/// - A dataset on disk (`folder`, `refsegrs`, `rrsisd`): the section's hash plus a content fingerprint of
///   the files under `dataset.path`, so editing a manifest or a mask makes new runs instead of silently
///   reusing finished ones. With `"fingerprint": "quick"` (the default) it covers the bytes of the index
///   files at the top of the folder (manifest, phrase lists) and every file's relative path, size and
///   modification time — a few milliseconds per thousand files; copying the folder without keeping
///   mtimes makes new keys. With `"fingerprint": "full"` it hashes every file's bytes instead of mtimes:
///   slower (it reads the whole dataset), and survives copies.
public enum DatasetFingerprint {
    /// The fingerprint folded into `spec`'s run keys.
    public static func of(_ spec: AblationSpec) -> String {
        guard spec.dataset.kind.isOnDisk, let path = try? spec.dataset.params.string("path") else {
            return spec.dataset.fingerprint
        }
        let full = (try? spec.dataset.params.string("fingerprint")) == "full"
        return spec.dataset.fingerprint + "+files:" + content(of: URL(fileURLWithPath: path), full: full)
    }

    /// SHA-256 hex of the folder's files as described above; `missing` when it is not a readable folder
    /// (then the runs are simply not found finished: `ablate run` reports the missing folder).
    public static func content(of root: URL, full: Bool) -> String {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue,
              let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
        else { return "missing" }
        var entries: [(path: String, url: URL)] = []
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            entries.append((full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : url.lastPathComponent, url))
        }
        entries.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var hasher = SHA256()
        hasher.update(Array("dataset-files-v1 \(full ? "full" : "quick")\n".utf8))
        for (path, url) in entries {
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
            var line = "\(path)\t\(values?.fileSize ?? -1)"
            let isIndex = !path.contains("/") && ["jsonl", "json", "txt", "csv"].contains(url.pathExtension.lowercased())
            if full || isIndex {
                line += "\t" + (fm.contents(atPath: url.path).map { SHA256.hex($0) } ?? "unreadable")
            }
            if !full {
                let mtime = values?.contentModificationDate?.timeIntervalSince1970 ?? 0
                line += "\t" + String(Int64((mtime * 1_000_000).rounded()))   // microseconds
            }
            hasher.update(Array((line + "\n").utf8))
        }
        return SHA256.hexDigest(hasher)
    }
}

extension SHA256 {
    /// Lower-case hex digest of what `hasher` was fed.
    static func hexDigest(_ hasher: SHA256) -> String {
        hasher.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
