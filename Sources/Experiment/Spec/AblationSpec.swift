import Declarations
import RRSISData
import RRSISModels

/// A validated ablation spec: everything needed to plan and run it, with every component and parameter
/// resolved against the registry. Produced only by `SpecLoader` / `SpecValidator`, so holding one means
/// the spec is valid.
public struct AblationSpec: Sendable {
    /// Spec name: its own `name` key, else the file stem. Names the results folder.
    public var name: String
    public var description: String?
    /// The spec file as the user named it (for messages and provenance).
    public var file: String
    /// SHA-256 hex of the canonical JSON of the merged spec (after `extends` and `--set`).
    public var specHash: String
    /// The merged spec document that was validated (after `extends` and `--set`).
    public var document: JSONValue
    public var dataset: DatasetSpec
    /// The base model every variant starts from.
    public var baseModel: ModelConfig
    /// Tokens per expression, padding included: the base model's text `maxLength` (validation holds every
    /// variant to it, since the data is tokenised once per spec).
    public var textLength: Int {
        (try? baseModel.choices[.text]?.params.int("maxLength")) ?? TextEncoder.defaultMaxLength
    }
    public var train: TrainingRecipe
    /// Training seeds; every cell runs once per seed.
    public var seeds: [Int]
    /// The variants, expanded (rows in file order; grids in row-major order over the grid's keys).
    public var cells: [Cell]
    /// Name of the cell that deltas are computed against.
    public var baseline: String
    public var report: ReportOptions
}

/// One variant of the spec: a display name, a fully resolved model, and the training recipe and dataset
/// it runs with (the spec's own unless the variant sweeps `train.*` or `dataset.*` keys).
public struct Cell: Hashable, Sendable {
    /// Position in the spec's variant order (row order of tables).
    public var index: Int
    /// Display name (a row's `name`, or the grid labels joined by " + ", then any `sweep` labels).
    public var name: String
    public var model: ModelConfig
    /// A control condition (`"controls"` in the spec): the baseline's model trained and tested on rewritten
    /// expressions. Nil for ordinary variants.
    public var control: ExpressionControl? = nil
    /// The recipe this cell trains with: `AblationSpec.train` with the cell's `train.*` settings applied.
    public var train: TrainingRecipe
    /// The data this cell trains and is tested on: `AblationSpec.dataset` with its `dataset.*` settings applied.
    public var dataset: DatasetSpec
    /// The keys this cell sets beyond its model slots (`train.lr`, `dataset.train`, `model.fiam.params.spatial`…),
    /// in the order they were swept, with the value as displayed: one table column per key.
    public var swept: [SweptValue] = []

    public init(index: Int, name: String, model: ModelConfig, control: ExpressionControl? = nil,
                train: TrainingRecipe, dataset: DatasetSpec, swept: [SweptValue] = []) {
        self.index = index; self.name = name; self.model = model; self.control = control
        self.train = train; self.dataset = dataset; self.swept = swept
    }
}

/// One swept key's value in a cell: `train.lr` = `0.001`.
public struct SweptValue: Hashable, Sendable {
    /// Dotted spec key (`train.lr`).
    public var key: String
    /// The value as written (canonical JSON text; strings unquoted).
    public var value: String

    public init(key: String, value: String) { self.key = key; self.value = value }
}

extension Cell {
    /// The cell's value of a swept key (`train.lr`, `dataset.noise`, `model.alignment`,
    /// `model.alignment.params.spatial`) as tables show it, whether or not this cell set it; nil for a key
    /// it does not have.
    public func value(of key: String) -> String? {
        let parts = key.split(separator: ".").map(String.init)
        func text(_ v: ParameterValue?) -> String? {
            guard let json = v?.json else { return nil }
            if case .string(let s) = json { return s }
            return json.jsonText
        }
        switch (parts.first, parts.count) {
        case ("train", 2): return text(train.params.values[parts[1]])
        case ("dataset", 2): return text(dataset.params.values[parts[1]])
        case ("model", 2): return ComponentSlot(rawValue: parts[1]).flatMap { model.choices[$0]?.name }
        case ("model", 4): return ComponentSlot(rawValue: parts[1]).flatMap { text(model.choices[$0]?.params.values[parts[3]]) }
        default: return nil
        }
    }
}

extension AblationSpec {
    /// This spec as `cell` runs it: its dataset and training recipe in place of the spec's (what data
    /// loading and fingerprinting read).
    public func resolved(for cell: Cell) -> AblationSpec {
        var spec = self
        spec.dataset = cell.dataset
        spec.train = cell.train
        return spec
    }

    /// Swept keys across cells, in first-seen order: the extra columns of tables.
    public var sweptKeys: [String] {
        var keys: [String] = []
        for cell in cells { for s in cell.swept where !keys.contains(s.key) { keys.append(s.key) } }
        return keys
    }
}

/// The dataset section: a kind (`synthetic`, `folder`, `refsegrs`, `rrsisd`) and its parameters.
public struct DatasetSpec: Hashable, Sendable {
    public var kind: DatasetKind
    public var params: ComponentParams

    /// Side of the square images, in pixels, when a spec does not set `dataset.imageSize`.
    public static let defaultImageSize = 64

    /// Canonical JSON of the section, parameters with defaults filled in.
    public var json: JSONValue { .object([("name", .string(kind.rawValue)), ("params", params.json)]) }

    /// `dataset.imageSize` as the spec resolved it: always for the synthetic benchmark (declared with a
    /// default), only when written for data on disk (which is then resized to it as it loads).
    public var imageSize: Int? {
        params.values["imageSize"] != nil ? try? params.int("imageSize") : nil
    }

    /// The side the model sees: `imageSize`, else `defaultImageSize` (data on disk without the key is
    /// prepared at that size).
    public var preparedImageSize: Int { imageSize ?? Self.defaultImageSize }

    /// Default dataset fingerprint: SHA-256 of the canonical section. For the synthetic benchmark this
    /// identifies the data exactly (the generator is deterministic); a runner that hashes real dataset
    /// files passes its own fingerprint to the planner instead.
    public var fingerprint: String { SHA256.hex("dataset-v1\n" + CanonicalJSON.render(json)) }
}

/// The optimisers a recipe may name (`train.optimizer`).
public enum OptimizerKind: String, CaseIterable, Sendable {
    /// AdamW with decoupled weight decay (the official recipe).
    case adamw
    /// SGD with momentum 0.9.
    case sgd
}

/// Which checkpoint is tested.
public enum CheckpointSelection: String, Sendable, CaseIterable {
    /// The epoch with the best val score (`train.selectBy`: oIoU, as the official code, or mIoU).
    case bestVal = "best-val"
    /// The final epoch.
    case last
}

/// Which checkpoints a finished run writes under `Results/<spec>/runs/<run key>/` (`train.keep`).
public enum KeptCheckpoints: String, Sendable, CaseIterable {
    /// The checkpoint that is tested (`train.checkpoint`): `selected.safetensors`.
    case selected
    /// The tested checkpoint and the last epoch's: `selected.safetensors` and `last.safetensors`.
    case selectedAndLast = "selected+last"
    /// No weights (the config and metrics files are still written).
    case none

    /// Whether the last epoch's weights are written too.
    public var keepsLast: Bool { self == .selectedAndLast }
    /// Whether the tested weights are written.
    public var keepsSelected: Bool { self != .none }
}

/// The training recipe (see `SpecSections.train` for meanings, defaults and ranges).
public struct TrainingRecipe: Hashable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var lr: Double
    public var weightDecay: Double
    public var optimizer: OptimizerKind
    /// Warm-up length in epochs.
    public var warmup: Int
    public var checkpoint: CheckpointSelection
    /// The val metric `best-val` maximises.
    public var selectBy: Metric
    /// Whether the last, incomplete batch of each epoch is dropped (the official code drops it).
    public var dropLast: Bool
    public var evalEvery: Int
    /// Which checkpoints finished runs write. Not part of `params` (so not of run keys): it changes what is
    /// kept on disk, not what is computed.
    public var keep: KeptCheckpoints
    /// The values that decide results, as declared parameters (canonical JSON, flattened params): every
    /// `train` key but `keep`.
    public var params: ComponentParams

    init(_ p: ComponentParams) throws {
        epochs = try p.int("epochs"); batchSize = try p.int("batchSize"); lr = try p.double("lr")
        weightDecay = try p.double("weightDecay"); optimizer = try p.choice("optimizer", of: OptimizerKind.self); warmup = try p.int("warmup")
        checkpoint = CheckpointSelection(rawValue: try p.string("checkpoint")) ?? .bestVal
        selectBy = Metric(rawValue: try p.string("selectBy")) ?? .oIoU
        dropLast = try p.bool("dropLast")
        evalEvery = try p.int("evalEvery")
        keep = KeptCheckpoints(rawValue: try p.string("keep")) ?? .selected
        params = ComponentParams(p.values.filter { !SpecSections.nonResultTrainKeys.contains($0.key) }, owner: p.owner)
    }
}

/// Report options (see `SpecSections.report`).
public struct ReportOptions: Hashable, Sendable {
    /// `"test"` or `"val"`.
    public var split: String
    public var primary: Metric
    public var decimals: Int
    public var latex: Bool
    /// Test samples (the first K in split order) whose predicted masks each run keeps for the qualitative panel.
    /// Not part of run keys: changing it does not retrain anything (runs finished before keep what they kept).
    public var qualitative: Int
    /// Whether each run writes TensorBoard event files under `<results>/tensorboard/<spec>/`. Not part of run keys.
    public var tensorboard: Bool
    /// Column ids (`ReportColumn.id`) of `table.tex`, in order; empty: `LaTeXReport.defaultColumns`.
    public var latexColumns: [String]

    public init(split: String = "test", primary: Metric = .mIoU, decimals: Int = 2, latex: Bool = false, qualitative: Int = 4,
                tensorboard: Bool = true, latexColumns: [String] = []) {
        self.split = split; self.primary = primary; self.decimals = decimals; self.latex = latex; self.qualitative = qualitative
        self.tensorboard = tensorboard; self.latexColumns = latexColumns
    }

    init(_ p: ComponentParams) throws {
        self.init(split: try p.string("split"), primary: Metric(rawValue: try p.string("primary")) ?? .mIoU,
                  decimals: try p.int("decimals"), latex: try p.bool("latex"), qualitative: try p.int("qualitative"),
                  tensorboard: try p.bool("tensorboard"), latexColumns: Self.columnList(try p.string("latexColumns")))
    }

    /// `"mIoU, oIoU Δ"` → `["mIoU", "oIoU", "Δ"]`: ids separated by commas and/or spaces.
    static func columnList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }
}
