import Declarations
import Experiment
import Foundation
import RRSISData
import RRSISModels
import RunStore
import Statistics

/// Why a spec's dataset could not be prepared.
public enum RunDataError: Error, CustomStringConvertible {
    case missingPath(kind: String, spec: String)
    /// `dataset.path` names no folder.
    case missingFolder(path: String, spec: String)
    case emptySplit(split: String, dataset: String)
    /// A reference point that only the synthetic benchmark has was asked of another dataset.
    case notSynthetic(kind: String, spec: String, what: String)

    public var description: String {
        switch self {
        case let .missingPath(kind, spec):
            return "\(spec): dataset \"\(kind)\" needs dataset.path, the folder that holds it (e.g. \"path\": \"/data/\(kind)\")."
        case let .missingFolder(path, spec):
            return "\(spec): dataset.path: no folder \"\(path)\"; give the dataset root, absolute or relative to the working directory."
        case let .emptySplit(split, dataset):
            return "dataset \(dataset): the \(split) split has no samples; training needs train, val and test samples."
        case let .notSynthetic(kind, spec, what):
            return "\(spec): dataset \"\(kind)\": \(what) needs the synthetic benchmark (it reads the generator's scenes); use a spec whose dataset.name is \"synthetic\"."
        }
    }
}

/// The three prepared splits of a spec's dataset, with the vocabulary built from the training split.
public struct RunData {
    public let source: DatasetSource
    public let train: PreparedDataset
    public let val: PreparedDataset
    public let test: PreparedDataset
    public let report: LoadReport

    /// Resolves `spec.dataset` to a source, loads (or generates) it and prepares the arrays.
    /// - Parameters: maxLength tokens per expression (the text encoder's); cacheRoot for generated data.
    /// With a `control`, every split's expressions are rewritten by it (`ExpressionControl`) before the
    /// vocabulary is built and the text prepared. A given `vocabulary` (a trained model's) tokenises the splits
    /// instead of one built from this training split.
    public init(_ spec: AblationSpec, maxLength: Int, cacheRoot: URL?, control: ExpressionControl? = nil, vocabulary given: Vocabulary? = nil) throws {
        source = try Self.source(spec, cacheRoot: cacheRoot)
        var (splits, report) = try source.load(imageSize: try Self.loadSize(spec))
        if let control {
            let decoupler = PhraseDecoupler(classList: source.classList)
            splits.train = control.apply(splits.train, decoupler: decoupler, split: .train)
            splits.val = control.apply(splits.val, decoupler: decoupler, split: .val)
            splits.test = control.apply(splits.test, decoupler: decoupler, split: .test)
        }
        self.report = report
        for (name, samples) in [("train", splits.train), ("val", splits.val), ("test", splits.test)] where samples.isEmpty {
            // Name what was skipped: an empty split is usually a manifest whose records were all rejected.
            throw RunDataError.emptySplit(split: name, dataset: spec.dataset.kind.rawValue + (report.skipped.isEmpty ? "" : " (\(report))"))
        }
        let vocabulary = given ?? Vocabulary(building: splits.train.map(\.expression))
        let decoupler = PhraseDecoupler(classList: source.classList)
        let size = spec.dataset.preparedImageSize
        train = try PreparedDataset(samples: splits.train, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
        val = try PreparedDataset(samples: splits.val, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
        test = try PreparedDataset(samples: splits.test, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
    }

    /// The data a runner trains on: tokenised to the spec's text encoder length, generated data cached under
    /// `resultsRoot/.cache`; skipped dataset records are reported through `warn` (the first ten named).
    public static func forRunning(_ spec: AblationSpec, resultsRoot: String, control: ExpressionControl? = nil,
                                  vocabulary: Vocabulary? = nil, warn: (String) -> Void) throws -> RunData {
        let data = try RunData(spec, maxLength: spec.textLength, cacheRoot: ResultsFolder.cache(resultsRoot: resultsRoot),
                               control: control, vocabulary: vocabulary)
        if !data.report.skipped.isEmpty {
            warn("warning: dataset \(spec.dataset.kind): \(data.report)\n" + data.report.skipped.prefix(10).map { "  • \($0)\n" }.joined())
        }
        return data
    }

    /// The unprepared samples of one split, from the same source and at the same load-time size as `init`
    /// prepares them (the qualitative panel draws their images and ground truth).
    public static func samples(of split: Split, spec: AblationSpec, cacheRoot: URL?) throws -> [RRSISSample] {
        try source(spec, cacheRoot: cacheRoot).load(imageSize: try loadSize(spec)).splits[split]
    }

    /// `dataset.imageSize` when the spec has it: real datasets are resized to it as they load.
    static func loadSize(_ spec: AblationSpec) throws -> Int? { spec.dataset.imageSize }

    /// The data source a spec names.
    static func source(_ spec: AblationSpec, cacheRoot: URL?) throws -> DatasetSource {
        let p = spec.dataset.params
        switch spec.dataset.kind {
        case .synthetic:
            return .synthetic(try syntheticConfig(spec)!, cacheRoot: cacheRoot)
        case .refsegrs:
            guard let path = try? p.string("path") else { throw RunDataError.missingPath(kind: spec.dataset.kind.rawValue, spec: spec.file) }
            return .refSegRS(root: try datasetRoot(path, spec: spec))
        case .folder, .rrsisd:
            guard let path = try? p.string("path") else { throw RunDataError.missingPath(kind: spec.dataset.kind.rawValue, spec: spec.file) }
            return .folder(root: try datasetRoot(path, spec: spec),
                           classList: spec.dataset.kind == .rrsisd ? ClassLists.rrsisD : ClassLists.synthetic)
        }
    }

    /// The generator configuration of a synthetic dataset section; nil for data on disk.
    public static func syntheticConfig(_ spec: AblationSpec) throws -> SyntheticConfig? {
        guard spec.dataset.kind == .synthetic else { return nil }
        let p = spec.dataset.params
        var config = SyntheticConfig()
        config.imageSize = try p.int("imageSize")
        config.trainCount = try p.int("train")
        config.valCount = try p.int("val")
        config.testCount = try p.int("test")
        config.seed = UInt64(try p.int("seed"))
        config.noise = try p.double("noise")
        return config
    }

    /// `dataset.path` as a folder URL, relative paths against the working directory. Where it may lead
    /// (`PathRule`) was checked when the spec was loaded.
    /// - Throws: `RunDataError.missingFolder`.
    static func datasetRoot(_ path: String, spec: AblationSpec) throws -> URL {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw RunDataError.missingFolder(path: path, spec: spec.file)
        }
        return URL(fileURLWithPath: path)
    }
}

extension SampleTags {
    /// The breakdown keys of the reports: `category`, `scale`, `positionNeeded`, `cue`.
    var breakdown: [String: String] {
        var tags: [String: String] = [:]
        if let category { tags["category"] = category }
        if let scale { tags["scale"] = scale.rawValue }
        if let positionNeeded { tags["positionNeeded"] = String(positionNeeded) }
        if let cue { tags["cue"] = cue }
        return tags
    }
}
