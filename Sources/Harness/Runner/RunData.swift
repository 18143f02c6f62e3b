import Foundation
import RRSISData

/// Why a spec's dataset could not be prepared.
public enum RunDataError: Error, CustomStringConvertible {
    case missingPath(kind: String, spec: String)
    case emptySplit(split: String, dataset: String)

    public var description: String {
        switch self {
        case let .missingPath(kind, spec):
            return "\(spec): dataset \"\(kind)\" needs dataset.params.path, the folder that holds it (e.g. \"path\": \"/data/\(kind)\")."
        case let .emptySplit(split, dataset):
            return "dataset \(dataset): the \(split) split has no samples; training needs train, val and test samples."
        }
    }
}

/// The three prepared splits of a spec's dataset, with the vocabulary built from the training split.
public struct RunData {
    public let source: DatasetSource
    public let train: PreparedDataset
    public let val: PreparedDataset
    public let test: PreparedDataset
    /// Identifies the data in run keys.
    public let fingerprint: String
    public let report: LoadReport

    /// Resolves `spec.dataset` to a source, loads (or generates) it and prepares the arrays.
    /// - Parameters: maxLength tokens per expression (the text encoder's); cacheRoot for generated data.
    public init(_ spec: AblationSpec, maxLength: Int, cacheRoot: URL?) throws {
        source = try Self.source(spec, cacheRoot: cacheRoot)
        let (splits, report) = try source.load(imageSize: spec.dataset.params.values["imageSize"] != nil
                                               ? try spec.dataset.params.int("imageSize") : nil)
        self.report = report
        for (name, samples) in [("train", splits.train), ("val", splits.val), ("test", splits.test)] where samples.isEmpty {
            throw RunDataError.emptySplit(split: name, dataset: spec.dataset.kind)
        }
        let vocabulary = Vocabulary(building: splits.train.map(\.expression))
        let decoupler = PhraseDecoupler(classList: source.classList)
        let size = try spec.dataset.params.values["imageSize"] != nil ? spec.dataset.params.int("imageSize") : 64
        train = try PreparedDataset(samples: splits.train, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
        val = try PreparedDataset(samples: splits.val, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
        test = try PreparedDataset(samples: splits.test, vocabulary: vocabulary, decoupler: decoupler, imageSize: size, maxLength: maxLength)
        fingerprint = try source.fingerprint()
    }

    /// The data source a spec names.
    static func source(_ spec: AblationSpec, cacheRoot: URL?) throws -> DatasetSource {
        let p = spec.dataset.params
        switch spec.dataset.kind {
        case "synthetic":
            var config = SyntheticConfig()
            config.imageSize = try p.int("imageSize")
            config.trainCount = try p.int("train")
            config.valCount = try p.int("val")
            config.testCount = try p.int("test")
            config.seed = UInt64(try p.int("seed"))
            config.noise = try p.double("noise")
            return .synthetic(config, cacheRoot: cacheRoot)
        case "refsegrs":
            guard let path = try? p.string("path") else { throw RunDataError.missingPath(kind: "refsegrs", spec: spec.file) }
            return .refSegRS(root: URL(fileURLWithPath: path))
        default:
            guard let path = try? p.string("path") else { throw RunDataError.missingPath(kind: spec.dataset.kind, spec: spec.file) }
            return .folder(root: URL(fileURLWithPath: path), classList: spec.dataset.kind == "rrsisd" ? ClassLists.rrsisD : ClassLists.synthetic)
        }
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
