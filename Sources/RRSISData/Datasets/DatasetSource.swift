import Foundation

/// Where a run's data comes from: what the harness stores in a spec and resolves to splits.
public enum DatasetSource: Equatable, Sendable {
    /// The built-in synthetic benchmark (the default: needs no download). With `cacheRoot`, the
    /// generated dataset is cached there on disk and reused.
    case synthetic(SyntheticConfig, cacheRoot: URL? = nil)
    /// RefSegRS in its release layout (`images/`, `masks/`, `output_phrase_*.txt`).
    case refSegRS(root: URL)
    /// Our layout (`manifest.jsonl`): RRSIS-D after `convert_rrsisd.py`, or a user's own data.
    case folder(root: URL, classList: ClassList)

    /// The class list whose names make up the ground-object phrase.
    public var classList: ClassList {
        switch self {
        case .synthetic: return ClassLists.synthetic
        case .refSegRS: return ClassLists.refSegRS
        case .folder(_, let list): return list
        }
    }

    /// Loads all three splits. Skipped records are in the report; missing index files throw.
    /// `imageSize` resizes real datasets as they load (the synthetic set is generated at its size).
    public func load(imageSize: Int? = nil) throws -> (splits: DatasetSplits, report: LoadReport) {
        switch self {
        case .synthetic(let config, let cacheRoot):
            let splits = try cacheRoot.map { try SyntheticDataset.loadOrGenerate(config, cacheRoot: $0) }
                ?? SyntheticDataset.generate(config)
            return (splits, LoadReport(loaded: splits.train.count + splits.val.count + splits.test.count))
        case .refSegRS(let root):
            let (samples, report) = try RefSegRS.load(root: root, imageSize: imageSize)
            return (DatasetSplits(samples), report)
        case .folder(let root, _):
            let (samples, report) = try Manifest.load(from: root, imageSize: imageSize)
            return (DatasetSplits(samples), report)
        }
    }
}

extension ClassList: Equatable {
    public static func == (a: ClassList, b: ClassList) -> Bool { a.name == b.name && a.classes == b.classes }
}
