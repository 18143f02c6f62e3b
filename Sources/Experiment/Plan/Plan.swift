import Declarations
import RRSISModels

/// One training run to do: a cell, a seed and its identity.
public struct PlannedRun: Hashable, Sendable {
    public var cell: Cell
    public var seed: Int
    /// Canonical JSON of the resolved config (`{"dataset":…,"model":…,"train":…}`), as stored in `runs.config`.
    public var config: String
    /// SHA-256 hex of `config`.
    public var configHash: String
    /// `RunKey.make(…)`: identifies the run in the store.
    public var runKey: String
    /// Identity of the cell's data (`Plan.datasetFingerprint` unless the cell sweeps `dataset.*` keys).
    public var datasetFingerprint: String
}

/// A spec expanded into runs: every cell × every seed, in table order (cells) then seed order.
public struct Plan: Sendable {
    public var spec: AblationSpec
    /// Identity of the spec's own dataset section (cells that set `dataset.*` keys have their own: `PlannedRun.datasetFingerprint`).
    public var datasetFingerprint: String
    /// The commit folded into run keys, when runs are recorded per commit.
    public var commit: String?
    public var runs: [PlannedRun]

    /// Expands `spec`.
    /// - Parameters:
    ///   - datasetFingerprint: identity of the data; defaults to `DatasetFingerprint.of(spec)` (the section's
    ///     hash for the synthetic benchmark; plus the files' content fingerprint for data on disk).
    ///   - commit: fold this commit into every run key (reruns on a new commit become new runs).
    public init(_ spec: AblationSpec, datasetFingerprint: String? = nil, commit: String? = nil) {
        self.spec = spec
        self.commit = commit
        let fingerprint = datasetFingerprint ?? DatasetFingerprint.of(spec)
        self.datasetFingerprint = fingerprint
        var render = ConfigRenderer()
        var fingerprints = [spec.dataset: fingerprint]
        runs = spec.cells.flatMap { cell -> [PlannedRun] in
            let config = render(cell)
            let hash = SHA256.hex(config)
            let cellFingerprint = fingerprints[cell.dataset] ?? DatasetFingerprint.of(spec.resolved(for: cell))
            fingerprints[cell.dataset] = cellFingerprint
            // A model that loads pretrained encoders depends on how they were made: the artifacts' names carry
            // their recipes' content keys (a configuration the runner cannot resolve fails at run time instead).
            let artifacts = (try? PretrainedArtifacts.names(for: cell.model, imageSize: cell.dataset.preparedImageSize)) ?? []
            return spec.seeds.map { seed in
                PlannedRun(cell: cell, seed: seed, config: config, configHash: hash,
                           runKey: RunKey.make(config: config, datasetFingerprint: cellFingerprint, seed: seed, commit: commit,
                                               artifacts: artifacts),
                           datasetFingerprint: cellFingerprint)
            }
        }
    }

    /// The resolved config of `cell`: dataset, model and training recipe (not the seed, not display names).
    /// A control cell adds `"control": "text-blind"` (so it has its own run keys; other cells' keys are unchanged).
    public static func config(of cell: Cell, in spec: AblationSpec) -> JSONValue {
        var entries: [(String, JSONValue)] = [("dataset", cell.dataset.json), ("model", cell.model.json), ("train", cell.train.params.json)]
        if let control = cell.control { entries.append(("control", .string(control.rawValue))) }
        return .object(entries)
    }

    /// Renders `config(of:in:)` canonically, each distinct dataset section, training recipe and component
    /// choice once: the same text as `CanonicalJSON.render(Plan.config(of: cell, in: spec))` (a test holds
    /// them equal), without re-rendering and re-sorting shared parts for every cell.
    struct ConfigRenderer {
        var datasets: [DatasetSpec: String] = [:], recipes: [TrainingRecipe: String] = [:]
        var choices: [ComponentChoice: String] = [:]
        /// Slot names in canonical (UTF-8 byte) order.
        static let slots = ComponentSlot.allCases.sorted { Array($0.rawValue.utf8).lexicographicallyPrecedes(Array($1.rawValue.utf8)) }

        mutating func callAsFunction(_ cell: Cell) -> String {
            let dataset = datasets[cell.dataset] ?? CanonicalJSON.render(cell.dataset.json)
            datasets[cell.dataset] = dataset
            let train = recipes[cell.train] ?? CanonicalJSON.render(cell.train.params.json)
            recipes[cell.train] = train
            var model = "{"
            for slot in Self.slots {
                guard let choice = cell.model.choices[slot] else { continue }
                if model.count > 1 { model += "," }
                let text = choices[choice] ?? CanonicalJSON.render(choice.json)
                choices[choice] = text
                model += "\"\(slot.rawValue)\":" + text
            }
            // Keys in canonical order: "control" (control cells only) sorts before "dataset".
            let control = cell.control.map { "\"control\":" + CanonicalJSON.render(.string($0.rawValue)) + "," } ?? ""
            return "{" + control + "\"dataset\":" + dataset + ",\"model\":" + model + "},\"train\":" + train + "}"
        }
    }

    /// Runs of `cell`, in seed order.
    public func runs(of cell: Cell) -> [PlannedRun] { runs.filter { $0.cell.index == cell.index } }

    /// The runs still to do, in plan order: those not in `finished` (the store's finished keys), or all
    /// of them when `force`. A run left `running` by a killed process is not finished, so it is redone.
    public func pending(finished: Set<String>, force: Bool = false) -> [PlannedRun] {
        force ? runs : runs.filter { !finished.contains($0.runKey) }
    }

    /// The baseline cell.
    public var baseline: Cell? { spec.cells.first { $0.name == spec.baseline } }
}

/// Run keys: a short hash that two runs share exactly when they would compute the same thing.
public enum RunKey {
    /// Hex digits kept (64 bits: collisions are negligible at any realistic number of runs).
    public static let length = 16

    /// SHA-256 over a versioned preamble, the canonical config, the dataset fingerprint and the seed (and the
    /// pretrained artifacts the model loads and the commit, when there are), truncated to `length` hex digits.
    /// A run without pretrained encoders keeps the key it had before artifacts were part of it.
    public static func make(config: String, datasetFingerprint: String, seed: Int, commit: String? = nil,
                            artifacts: [String] = []) -> String {
        var text = "fiabench-run-v1\nconfig=\(config)\ndataset=\(datasetFingerprint)\nseed=\(seed)"
        if !artifacts.isEmpty { text += "\npretrained=" + artifacts.joined(separator: ",") }
        if let commit { text += "\ncommit=\(commit)" }
        return String(SHA256.hex(text).prefix(length))
    }
}

/// A cost and time estimate for one run of a cell, filled in once the model layer can count MACs.
public struct Estimate: Equatable, Sendable {
    /// Multiply–accumulates of one forward pass at the evaluation resolution, batch 1.
    public var macs: Int?
    /// Expected wall-clock seconds of one run (training + evaluation).
    public var seconds: Double?

    public init(macs: Int? = nil, seconds: Double? = nil) { self.macs = macs; self.seconds = seconds }
}
