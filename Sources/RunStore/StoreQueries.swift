import Declarations
import Experiment
import GRDB
import Statistics

extension ResultStore {
    /// Keys of every finished run (the runner skips these unless forced).
    public func finishedRunKeys() throws -> Set<String> {
        try pool.read { db in try String.fetchSet(db, sql: "SELECT run_key FROM runs WHERE status = 'finished'") }
    }

    /// Status of each of `runKeys` that is in the store.
    public func statuses(of runKeys: [String]) throws -> [String: RunStatus] {
        try pool.read { db in
            var out: [String: RunStatus] = [:]
            for key in runKeys {
                if let s = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE run_key = ?", arguments: [key]),
                   let status = RunStatus(rawValue: s) {
                    out[key] = status
                }
            }
            return out
        }
    }

    /// Every run recorded under spec `name`, in table order (cell index, then seed).
    public func runs(spec name: String) throws -> [StoredRun] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE spec_name = ? ORDER BY cell_index, seed, started_at", arguments: [name])
                .map(Self.storedRun)
        }
    }

    /// The run with `runKey`, if stored.
    public func run(_ runKey: String) throws -> StoredRun? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE run_key = ?", arguments: [runKey]).map(Self.storedRun)
        }
    }

    /// Metrics of a run (whole splits first, then breakdowns), in insertion order.
    public func metrics(runKey: String) throws -> [MetricValue] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT split, name, tag, value FROM metrics WHERE run_key = ? ORDER BY rowid", arguments: [runKey])
                .map { MetricValue(split: $0["split"], name: $0["name"], tag: $0["tag"], value: $0["value"]) }
        }
    }

    /// Costs of a run, the `total` row first.
    public func costs(runKey: String) throws -> [CostRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM costs WHERE run_key = ? ORDER BY component != 'total', component", arguments: [runKey])
                .map { r in
                    CostRecord(component: r["component"], params: r["params"], macs: r["macs"], flops: r["flops"],
                               trainSecondsPerStep: r["train_s_per_step"], trainSecondsPerEpoch: r["train_s_per_epoch"],
                               inferenceMsPerImage: r["infer_ms_per_image"], peakMemoryBytes: r["peak_memory_bytes"])
                }
        }
    }

    /// Curve points of a run in (epoch, step, split) order.
    public func curves(runKey: String) throws -> [CurvePoint] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM curves WHERE run_key = ? ORDER BY epoch, step, split", arguments: [runKey])
                .map { r in
                    CurvePoint(epoch: r["epoch"], step: r["step"], split: r["split"], loss: r["loss"], lr: r["lr"],
                               seconds: r["seconds"], mIoU: r["miou"], oIoU: r["oiou"])
                }
        }
    }

    /// The flattened config of a run (`params` table), sorted by key.
    public func params(runKey: String) throws -> [(key: String, value: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM params WHERE run_key = ? ORDER BY key", arguments: [runKey])
                .map { (key: $0["key"], value: $0["value"]) }
        }
    }

    private static func storedRun(_ r: Row) -> StoredRun {
        let record = RunRecord(
            runKey: r["run_key"], specName: r["spec_name"], specFile: r["spec_file"] ?? "", specHash: r["spec_hash"] ?? "",
            cellName: r["cell_name"], cellIndex: r["cell_index"], seed: r["seed"], commit: r["commit_sha"], dirty: r["dirty"],
            toolchain: r["toolchain"] ?? "", host: r["host"] ?? "", cores: r["cores"] ?? 0, threads: r["threads"] ?? 0,
            config: r["config"], configHash: r["config_hash"], datasetFingerprint: r["dataset_fingerprint"],
            startedAt: Timestamp.date(r["started_at"]) ?? .distantPast)
        return StoredRun(record: record, status: RunStatus(rawValue: r["status"]) ?? .failed,
                         finishedAt: Timestamp.date(r["finished_at"]), error: r["error"])
    }
}
