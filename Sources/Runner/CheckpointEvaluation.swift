import Declarations
import Experiment
import Foundation
import NN
import RRSISData
import RRSISModels
import RunStore

/// Why a kept checkpoint could not be evaluated.
public enum EvaluationError: Error, CustomStringConvertible {
    /// No run with this key in the store.
    case unknownRun(runKey: String, store: String, spec: String)
    /// The run is stored but is not one of the spec's runs (another spec, other `--set` values or commit).
    case notInSpec(runKey: String, spec: String)
    /// The run kept no weights (`train.keep` was `none`, it finished before checkpoints were kept, or it did not finish).
    case noCheckpoint(runKey: String, status: String)
    /// The kept file is gone or was changed since the run wrote it.
    case changedFile(path: String, reason: String)
    /// `--dataset` is neither a JSON object nor a folder.
    case badDataset(value: String)

    public var description: String {
        switch self {
        case let .unknownRun(key, store, spec):
            return "no run \(key) in \(store); `ablate plan \(spec)` lists the spec's run keys (a run trained with --set or --commit needs the same options)."
        case let .notInSpec(key, spec):
            return "run \(key) is in the store but is not a run of \(spec) as loaded (check the spec, --set and --commit options it was trained with)."
        case let .noCheckpoint(key, status):
            return "run \(key) (\(status)) kept no checkpoint: it finished with \"train.keep\": \"none\", before checkpoints were kept, or did not finish; train it again (ablate run --force) to keep one."
        case let .changedFile(path, reason):
            return "checkpoint \(path) \(reason); train the run again (ablate run --force) to write it anew."
        case let .badDataset(value):
            return "--dataset \(SpecIssue.shortened(value)): expected a dataset section as a JSON object (keys merge into the spec's, e.g. '{\"seed\": 7}'; with \"name\" it replaces it, e.g. '{\"name\": \"rrsisd\", \"path\": \"/data/rrsisd\"}') or the path of a folder in the RRSIS-D layout."
        }
    }
}

/// `ablate evaluate`: loads a run's kept checkpoint into the model its cell describes and evaluates it on a
/// split of the run's data, or of another dataset (tokenised with the run's training vocabulary, as the
/// model's embedding expects).
public struct CheckpointEvaluation {
    public var plan: Plan
    public var store: ResultStore
    public var storePath: String
    public var resultsRoot: String = ResultsFolder.defaultRoot
    /// The dataset to evaluate on instead of the run's (a spec loaded with another `dataset` section).
    public var otherData: AblationSpec? = nil

    public init(plan: Plan, store: ResultStore, storePath: String) {
        self.plan = plan; self.store = store; self.storePath = storePath
    }

    /// The result: the run, what was evaluated, and the metrics (whole split first, then breakdowns).
    public struct Result {
        public var run: PlannedRun
        public var split: String
        /// The stored metrics of the same split, when the run's own data was evaluated.
        public var stored: [MetricValue]?
        public var metrics: [MetricValue]
    }

    /// Evaluates the selected checkpoint of `runKey` on `split` (`test` or `val`).
    public func evaluate(runKey: String, split: String) throws -> Result {
        guard let run = plan.runs.first(where: { $0.runKey == runKey }) else {
            if try store.run(runKey) != nil { throw EvaluationError.notInSpec(runKey: runKey, spec: plan.spec.file) }
            throw EvaluationError.unknownRun(runKey: runKey, store: storePath, spec: plan.spec.file)
        }
        let url = try checkpoint(of: run)
        let spec = plan.spec.resolved(for: run.cell)
        let trainData = try RunData.forRunning(spec, resultsRoot: resultsRoot, control: run.cell.control, warn: { _ in })
        var data = trainData
        if let other = otherData {
            data = try RunData.forRunning(other, resultsRoot: resultsRoot, control: run.cell.control,
                                          vocabulary: trainData.train.vocabulary, warn: { _ in })
        }
        let model = try ModelCatalog.standard.segmenter(run.cell.model, vocabulary: trainData.train.vocabulary.count, seed: UInt64(run.seed))
        try model.load(from: url)
        let trainer = RunTrainer(recipe: run.cell.train, data: data, seed: run.seed, progress: nil)
        let metrics = try trainer.evaluate(model, on: split == "val" ? data.val : data.test).metrics.metricValues(split: split)
        let stored = otherData == nil ? try store.metrics(runKey: runKey).filter { $0.split == split && $0.name != "selectedEpoch" } : nil
        return Result(run: run, split: split, stored: stored, metrics: metrics)
    }

    /// The run's `selected` checkpoint, checked against the hash the store recorded.
    func checkpoint(of run: PlannedRun) throws -> URL {
        guard let file = try store.files(runKey: run.runKey).first(where: { $0.role == "selected" }) else {
            let status = try store.run(run.runKey).map { "\($0.status)" } ?? "not in \(storePath)"
            throw EvaluationError.noCheckpoint(runKey: run.runKey, status: status)
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw EvaluationError.changedFile(path: file.path, reason: "is missing or unreadable")
        }
        guard SHA256.hex([UInt8](data)) == file.sha256 else {
            throw EvaluationError.changedFile(path: file.path, reason: "changed since the run wrote it (its SHA-256 differs from the store's)")
        }
        return URL(fileURLWithPath: file.path)
    }

    /// `--set` overrides that evaluate on `dataset` instead of the spec's: a JSON object merges into the spec's
    /// dataset section (or replaces it when it has `name`); a folder is `{"name": "folder", "path": …}`.
    public static func datasetOverrides(_ dataset: String) throws -> [String] {
        if let json = try? JSONParser.parse(dataset), let pairs = json.objectPairs {
            if json["name"] != nil { return ["dataset=" + json.jsonText] }
            return pairs.map { "dataset.\($0.key)=\($0.value.jsonText)" }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataset, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvaluationError.badDataset(value: dataset)
        }
        return ["dataset=" + JSONValue.object([("name", .string("folder")), ("path", .string(dataset))]).jsonText]
    }

    /// The metrics as a table: the whole split's metrics, with the stored value and the difference when known.
    public static func render(_ result: Result, dataset: String) -> String {
        let out = "\(result.run.cell.name), seed \(result.run.seed), run \(result.run.runKey): \(result.split) split of \(dataset)\n\n"
        let overall = result.metrics.filter { $0.tag == nil }
        var header = ["metric", "evaluated"]
        if result.stored != nil { header += ["stored", "Δ"] }
        var rows = [header]
        for m in overall {
            var row = [m.name, Format.fixed(100 * m.value, 2)]
            if let stored = result.stored?.first(where: { $0.name == m.name && $0.tag == nil }) {
                row += [Format.fixed(100 * stored.value, 2), Format.signed(100 * (m.value - stored.value), 2)]
            }
            rows.append(row)
        }
        return out + TextTable.render(rows, rightAligned: [1, 2, 3])
    }
}
