import Declarations
import Experiment
import Foundation
import Statistics

/// Lifecycle of a run in the store.
public enum RunStatus: String, Sendable, CaseIterable {
    /// Begun and not finished: in flight, or killed (a rerun starts it again).
    case running
    case finished
    case failed
}

/// Provenance of a run, written when it begins.
public struct RunRecord: Equatable, Sendable {
    public var runKey: String
    public var specName: String
    public var specFile: String
    public var specHash: String
    public var cellName: String
    public var cellIndex: Int
    public var seed: Int
    /// Git commit of the code (nil outside a repository) and whether the tree had uncommitted changes.
    public var commit: String?
    public var dirty: Bool?
    /// `swift --version`'s first line, or the compiler version the binary was built with.
    public var toolchain: String
    public var host: String
    public var cores: Int
    public var threads: Int
    /// Canonical JSON of the resolved config, and its SHA-256 hex.
    public var config: String
    public var configHash: String
    public var datasetFingerprint: String
    public var startedAt: Date

    public init(runKey: String, specName: String, specFile: String, specHash: String, cellName: String, cellIndex: Int,
                seed: Int, commit: String?, dirty: Bool?, toolchain: String, host: String, cores: Int, threads: Int,
                config: String, configHash: String, datasetFingerprint: String, startedAt: Date) {
        self.runKey = runKey; self.specName = specName; self.specFile = specFile; self.specHash = specHash
        self.cellName = cellName; self.cellIndex = cellIndex; self.seed = seed; self.commit = commit; self.dirty = dirty
        self.toolchain = toolchain; self.host = host; self.cores = cores; self.threads = threads
        self.config = config; self.configHash = configHash; self.datasetFingerprint = datasetFingerprint; self.startedAt = startedAt
    }

    /// The provenance of `run` from `plan`, with the environment passed in (the runner gathers it).
    public init(_ run: PlannedRun, of plan: Plan, commit: String?, dirty: Bool?, toolchain: String, host: String,
                cores: Int, threads: Int, startedAt: Date = Date()) {
        self.init(runKey: run.runKey, specName: plan.spec.name, specFile: plan.spec.file, specHash: plan.spec.specHash,
                  cellName: run.cell.name, cellIndex: run.cell.index, seed: run.seed, commit: commit, dirty: dirty,
                  toolchain: toolchain, host: host, cores: cores, threads: threads, config: run.config,
                  configHash: run.configHash, datasetFingerprint: run.datasetFingerprint, startedAt: startedAt)
    }
}

/// A run as read back: its provenance and where it stands.
public struct StoredRun: Equatable, Sendable {
    public var record: RunRecord
    public var status: RunStatus
    public var finishedAt: Date?
    /// The failure message of a failed run.
    public var error: String?
}

/// One point of a training curve: a training step's loss, or an epoch's validation figures.
public struct CurvePoint: Equatable, Sendable {
    public var epoch: Int
    /// Global optimisation step at this point.
    public var step: Int
    /// `"train"` or `"val"`.
    public var split: String
    public var loss: Double?
    public var lr: Double?
    /// Wall-clock seconds since the run began.
    public var seconds: Double?
    /// Validation mean and overall IoU (fractions), on `val` points.
    public var mIoU: Double?
    public var oIoU: Double?

    public init(epoch: Int, step: Int, split: String, loss: Double? = nil, lr: Double? = nil, seconds: Double? = nil,
                mIoU: Double? = nil, oIoU: Double? = nil) {
        self.epoch = epoch; self.step = step; self.split = split; self.loss = loss; self.lr = lr; self.seconds = seconds
        self.mIoU = mIoU; self.oIoU = oIoU
    }
}

/// One metric value of a finished run.
public struct MetricValue: Equatable, Sendable {
    /// `"val"` or `"test"`.
    public var split: String
    /// `Metric.name` (`"mIoU"`, `"Pr@0.5"`, …).
    public var name: String
    /// `nil` for the whole split; `"scale=small"`, `"category=ship"`, … for a breakdown.
    public var tag: String?
    /// A fraction in 0…1.
    public var value: Double

    public init(split: String, name: String, tag: String? = nil, value: Double) {
        self.split = split; self.name = name; self.tag = tag; self.value = value
    }
}

/// Cost of a component of a run, or of the whole model (`component == CostRecord.total`).
/// MACs: one fused multiply-add counts 1; FLOPs = 2 × MACs. Timings are filled on the total row.
public struct CostRecord: Equatable, Sendable {
    /// Component path in the model's dotted parameter naming (`backbone`, `backbone.stages.1.align`), or `total`.
    public var component: String
    public var params: Int?
    public var macs: Int?
    public var flops: Int?
    public var trainSecondsPerStep: Double?
    public var trainSecondsPerEpoch: Double?
    public var inferenceMsPerImage: Double?
    public var peakMemoryBytes: Int?

    /// The component name of the whole-model row.
    public static let total = "total"

    public init(component: String, params: Int? = nil, macs: Int? = nil, flops: Int? = nil, trainSecondsPerStep: Double? = nil,
                trainSecondsPerEpoch: Double? = nil, inferenceMsPerImage: Double? = nil, peakMemoryBytes: Int? = nil) {
        self.component = component; self.params = params; self.macs = macs; self.flops = flops
        self.trainSecondsPerStep = trainSecondsPerStep; self.trainSecondsPerEpoch = trainSecondsPerEpoch
        self.inferenceMsPerImage = inferenceMsPerImage; self.peakMemoryBytes = peakMemoryBytes
    }
}
