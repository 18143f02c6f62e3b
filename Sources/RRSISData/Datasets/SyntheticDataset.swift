import Foundation

/// The three splits of a dataset in memory.
public struct DatasetSplits: Sendable {
    public var train: [RRSISSample]
    public var val: [RRSISSample]
    public var test: [RRSISSample]

    public init(train: [RRSISSample], val: [RRSISSample], test: [RRSISSample]) {
        self.train = train; self.val = val; self.test = test
    }

    /// Splits a flat list by each sample's `split`, keeping order.
    public init(_ samples: [RRSISSample]) {
        self.init(train: samples.filter { $0.split == .train }, val: samples.filter { $0.split == .val },
                  test: samples.filter { $0.split == .test })
    }

    /// The samples of `split`.
    public subscript(split: Split) -> [RRSISSample] {
        switch split {
        case .train: return train
        case .val: return val
        case .test: return test
        }
    }
}

/// The synthetic benchmark as a dataset: generated in memory, or cached on disk in our layout under a
/// directory keyed by generator version and parameters.
public enum SyntheticDataset {
    /// All three splits, generated now.
    public static func generate(_ config: SyntheticConfig) throws -> DatasetSplits {
        DatasetSplits(train: try SyntheticGenerator.generate(config, split: .train),
                      val: try SyntheticGenerator.generate(config, split: .val),
                      test: try SyntheticGenerator.generate(config, split: .test))
    }

    /// `root/synthetic-v<version>-<fingerprint>`: where `config`'s dataset is cached.
    public static func cacheDirectory(for config: SyntheticConfig, under root: URL) -> URL {
        root.appendingPathComponent("synthetic-v\(SyntheticGenerator.version)-\(config.fingerprint)")
    }

    /// Loads the cached dataset for `config` under `root`, or generates it and writes the cache (to a
    /// temporary sibling directory renamed into place, so an interrupted write never leaves a partial
    /// cache; when two processes race, the first rename wins and the other keeps its identical copy in
    /// memory). Also writes `config.json` with the parameters for humans. Temporary folders left by
    /// processes that died while writing are removed first (`removeStaleTemporaryFolders`).
    public static func loadOrGenerate(_ config: SyntheticConfig, cacheRoot root: URL) throws -> DatasetSplits {
        removeStaleTemporaryFolders(in: root)
        let dir = cacheDirectory(for: config, under: root)
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent(Manifest.fileName).path) {
            let (samples, report) = try Manifest.load(from: dir)
            if report.skipped.isEmpty { return DatasetSplits(samples) }
        }
        let splits = try generate(config)
        let tmp = root.appendingPathComponent(".tmp-\(config.fingerprint)-\(TemporaryOwner.current)")
        try? FileManager.default.removeItem(at: tmp)
        try Manifest.write(splits.train + splits.val + splits.test, to: tmp)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try? encoder.encode(config).write(to: tmp.appendingPathComponent("config.json"))
        try? FileManager.default.removeItem(at: dir)
        do { try FileManager.default.moveItem(at: tmp, to: dir) } catch {
            // Another process generating the same data (same config, same bytes) renamed its copy first.
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent(Manifest.fileName).path) else {
                throw DataError.writeFailed(path: dir.path, detail: error.localizedDescription)
            }
            try? FileManager.default.removeItem(at: tmp)
        }
        return splits
    }
}

extension SyntheticDataset {
    /// Removes `.tmp-*` folders under `root` whose writer is gone: a process of this host that no longer
    /// exists, or (for another host's process, which cannot be asked) a folder untouched for a day.
    /// Folders of live processes are left alone; so is everything that is not a `.tmp-` folder.
    public static func removeStaleTemporaryFolders(in root: URL, now: Date = Date()) {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: root.path) else { return }
        for name in entries where name.hasPrefix(".tmp-") {
            let path = root.appendingPathComponent(name).path
            guard let owner = name.split(separator: "-").last.map(String.init) else { continue }
            let stale: Bool
            if let local = TemporaryOwner.localPID(owner) {
                stale = !TemporaryOwner.isAlive(local)
            } else {
                let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? now
                stale = now.timeIntervalSince(modified) > 24 * 3600
            }
            if stale { try? fm.removeItem(atPath: path) }
        }
    }
}

/// Who writes a temporary folder: `<pid>@<host>` (older builds wrote the pid alone).
enum TemporaryOwner {
    static var current: String { "\(ProcessInfo.processInfo.processIdentifier)@\(host)" }

    static var host: String { ProcessInfo.processInfo.hostName.replacingOccurrences(of: "-", with: "_") }

    /// The pid when `owner` names a process of this host (or carries no host), else nil.
    static func localPID(_ owner: String) -> Int32? {
        let parts = owner.split(separator: "@", maxSplits: 1).map(String.init)
        guard let pid = Int32(parts[0]), pid > 0 else { return nil }
        return parts.count == 1 || parts[1] == host ? pid : nil
    }

    /// Whether process `pid` exists here (signal 0 checks without sending anything).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
