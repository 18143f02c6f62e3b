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
    /// memory). Also writes `config.json` with the parameters for humans.
    public static func loadOrGenerate(_ config: SyntheticConfig, cacheRoot root: URL) throws -> DatasetSplits {
        let dir = cacheDirectory(for: config, under: root)
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent(Manifest.fileName).path) {
            let (samples, report) = try Manifest.load(from: dir)
            if report.skipped.isEmpty { return DatasetSplits(samples) }
        }
        let splits = try generate(config)
        let tmp = root.appendingPathComponent(".tmp-\(config.fingerprint)-\(ProcessInfo.processInfo.processIdentifier)")
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
