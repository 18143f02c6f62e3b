import Declarations
import RRSISModels

/// Declarations of the non-component sections of a spec — the training recipe, the dataset kinds and
/// the report options — as `ParameterSpec`s, so they validate and document like components do.
public enum SpecSections {
    /// Keys allowed at the top level of a spec.
    public static let topLevelKeys = ["name", "description", "extends", "dataset", "model", "train", "seeds",
                                      "variants", "baseline", "report", "controls"]

    /// `train`: the training recipe shared by every cell.
    public static let train: [ParameterSpec] = [
        .int("epochs", default: 10, range: 1...10_000, doc: "passes over the training split"),
        .int("batchSize", default: 16, range: 1...4096, doc: "samples per optimisation step"),
        .double("lr", default: 3e-4, range: 1e-9...1, doc: "peak learning rate"),
        .double("weightDecay", default: 0.01, range: 0...1, doc: "decoupled weight decay (AdamW)"),
        .choice("optimizer", OptimizerKind.allCases.map(\.rawValue), default: OptimizerKind.adamw.rawValue, doc: "optimiser"),
        .int("warmup", default: 0, range: 0...10_000, doc: "epochs of linear learning-rate warm-up (at most epochs)"),
        .choice("checkpoint", ["best-val", "last"], default: "best-val",
                doc: "which epoch is tested: the best on val (see selectBy), or the last (never chosen on test)"),
        .choice("selectBy", ["oIoU", "mIoU"], default: "oIoU",
                doc: "val metric that chooses the best-val epoch (the official code keeps the best oIoU)"),
        .bool("dropLast", default: true, doc: "drop each epoch's last incomplete batch (as the official data loader)"),
        .int("evalEvery", default: 1, range: 1...10_000, doc: "evaluate on val every this many epochs (and after the last)"),
        .choice("keep", KeptCheckpoints.allCases.map(\.rawValue), default: KeptCheckpoints.selected.rawValue,
                doc: "weights each finished run writes under Results/<spec>/runs/<run key>/: the tested checkpoint, also the last epoch's, or none (not part of run keys)"),
    ]

    /// `train` keys that change what is kept, not what is computed: left out of configs and run keys, and
    /// not sweepable.
    public static let nonResultTrainKeys: Set<String> = ["keep"]

    /// The dataset kinds, `synthetic` first (the default benchmark).
    public static let datasets: [DatasetKind] = DatasetKind.allCases

    /// `report`: how tables are rendered.
    public static let report: [ParameterSpec] = [
        .choice("split", ["test", "val"], default: "test", doc: "split whose metrics fill the table"),
        .choice("primary", Metric.allCases.map(\.name), default: "mIoU", doc: "metric of the Δ-vs-baseline column"),
        .int("decimals", default: 2, range: 0...4, doc: "decimals of percentages in tables"),
        .bool("latex", default: false, doc: "also write table.tex"),
        .int("qualitative", default: 4, range: 0...32,
             doc: "test samples (the first K in split order) whose predicted masks each run keeps for the qualitative panel"),
        .bool("tensorboard", default: true,
              doc: "write TensorBoard event files per run under <results>/tensorboard/<spec>/ (not part of run keys)"),
        .string("latexColumns", default: "",
                doc: "table.tex columns: ids separated by commas (e.g. \"oIoU, mIoU, Pr@0.5, Pr@0.9, delta, params\"); empty: a default that fits the text width"),
    ]
}

/// The kinds of dataset a spec may name in `dataset.name`, each with its parameters.
public enum DatasetKind: String, CaseIterable, Sendable {
    case synthetic, folder, refsegrs, rrsisd

    public var name: String { rawValue }

    public var doc: String {
        switch self {
        case .synthetic: return "built-in synthetic RRSIS scenes, generated deterministically from the seed"
        case .folder: return "a folder in the RRSIS-D layout (images/, masks/, a manifest)"
        case .refsegrs: return "RefSegRS in its published layout"
        case .rrsisd: return "RRSIS-D in its published layout"
        }
    }

    /// Whether the data is files under `dataset.path` (every kind but the synthetic benchmark).
    public var isOnDisk: Bool { self != .synthetic }

    public var parameters: [ParameterSpec] {
        switch self {
        case .synthetic:
            return [
                .int("imageSize", default: DatasetSpec.defaultImageSize, range: 64...1024, doc: "side of the square images, pixels (a multiple of 32)"),
                .int("train", default: 2000, range: 1...1_000_000, doc: "training samples"),
                .int("val", default: 400, range: 1...1_000_000, doc: "validation samples"),
                .int("test", default: 400, range: 1...1_000_000, doc: "test samples"),
                .int("seed", default: 0, range: 0...Int.max, doc: "generator seed (independent of the training seeds)"),
                .double("noise", default: 6, range: 0...60, doc: "per-pixel noise standard deviation, 0…255 units"),
            ]
        case .folder, .refsegrs, .rrsisd:
            return [
                .string("path", default: nil, doc: self == .folder ? "folder path, absolute or relative to the working directory"
                                                                     : "dataset root, absolute or relative to the working directory"),
                .choice("fingerprint", ["quick", "full"], default: "quick",
                        doc: "how run keys identify the files: quick (index files' bytes, every file's size and mtime) or full (every file's bytes)"),
            ]
        }
    }
}
