import Foundation
import GRDB
import Testing
@testable import RunStore
import RRSISModels

struct StoreTests {
    static func record(_ key: String, cell: String = "FIAM", index: Int = 0, seed: Int = 0, spec: String = "demo") -> RunRecord {
        RunRecord(runKey: key, specName: spec, specFile: "Ablations/demo.json", specHash: "h", cellName: cell, cellIndex: index, seed: seed,
                  commit: "abc123", dirty: false, toolchain: "Swift 6.3.1", host: "test-host", cores: 2, threads: 2,
                  config: #"{"model":{"alignment":{"name":"fiam","params":{"spatial":true}}},"train":{"epochs":2}}"#,
                  configHash: "ch", datasetFingerprint: "fp", startedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func migrationsCreateTheDocumentedTablesInWALMode() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/sub/fiabench.sqlite")
        try store.pool.read { db in
            #expect(try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%'")
                    == ["runs", "params", "curves", "metrics", "costs", "predictions", "sample_results", "benchmarks", "steps", "run_files",
                        "run_pretraining"])
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            let columns = try db.columns(in: "runs").map(\.name)
            #expect(columns.contains("run_key") && columns.contains("dataset_fingerprint") && columns.contains("commit_sha"))
            #expect(columns.suffix(2) == ["owner", "heartbeat_at"])
        }
        _ = try ResultStore(path: dir.path + "/sub/fiabench.sqlite")   // reopening is a no-op
    }

    @Test func runLifecycleRoundTrips() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/r.sqlite")
        try store.beginRun(Self.record("k1"))
        #expect(try store.statuses(of: ["k1", "k2"]) == ["k1": .running])
        try store.recordEpoch(runKey: "k1", points: [
            CurvePoint(epoch: 1, step: 10, split: "train", loss: 0.7, lr: 1e-3, seconds: 3.5),
            CurvePoint(epoch: 1, step: 10, split: "val", seconds: 4, mIoU: 0.41, oIoU: 0.45),
        ])
        let metrics = [MetricValue(split: "test", name: "mIoU", value: 0.5), MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.25)]
        let costs = [CostRecord(component: "backbone", params: 1000, macs: 5000, flops: 10000),
                     CostRecord(component: CostRecord.total, params: 2000, macs: 9000, flops: 18000, trainSecondsPerStep: 0.2,
                                trainSecondsPerEpoch: 12, inferenceMsPerImage: 4.5, peakMemoryBytes: 1 << 30)]
        try store.finishRun(runKey: "k1", metrics: metrics, costs: costs, finishedAt: Date(timeIntervalSince1970: 1_800_000_100))
        #expect(try store.finishedRunKeys() == ["k1"])
        let run = try #require(try store.run("k1"))
        #expect(run.status == .finished && run.record == Self.record("k1"))
        #expect(run.finishedAt == Date(timeIntervalSince1970: 1_800_000_100))
        #expect(try store.metrics(runKey: "k1") == metrics)
        #expect(try store.costs(runKey: "k1").map(\.component) == ["total", "backbone"])
        #expect(try store.costs(runKey: "k1").first == costs[1])
        #expect(try store.curves(runKey: "k1").map(\.split) == ["train", "val"])
        #expect(try store.curves(runKey: "k1")[1].mIoU == 0.41)
        let params = try store.params(runKey: "k1")
        #expect(params.map(\.key) == ["model.alignment.name", "model.alignment.params.spatial", "seed", "train.epochs"])
        #expect(params.map(\.value) == ["\"fiam\"", "true", "0", "2"])
    }

    @Test func beginningAgainRestartsAKilledRunFromScratch() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/r.sqlite")
        try store.beginRun(Self.record("k1"))
        try store.recordEpoch(runKey: "k1", points: [CurvePoint(epoch: 1, step: 5, split: "train", loss: 1)])
        // The process dies here; a rerun begins the same key again.
        let reopened = try ResultStore(path: dir.path + "/r.sqlite")
        #expect(try reopened.statuses(of: ["k1"]) == ["k1": .running])
        #expect(try reopened.finishedRunKeys().isEmpty)
        try reopened.beginRun(Self.record("k1"))
        #expect(try reopened.curves(runKey: "k1").isEmpty)
        #expect(try reopened.params(runKey: "k1").count == 4)
    }

    @Test func failedRunsKeepTheirMessageAndCurves() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/r.sqlite")
        try store.beginRun(Self.record("k1"))
        try store.recordEpoch(runKey: "k1", points: [CurvePoint(epoch: 1, step: 5, split: "train", loss: .infinity)])
        try store.failRun(runKey: "k1", message: "loss is not finite at epoch 1")
        let run = try #require(try store.run("k1"))
        #expect(run.status == .failed && run.error == "loss is not finite at epoch 1")
        #expect(try store.curves(runKey: "k1").count == 1)
        #expect(throws: StoreError.unknownRun(runKey: "nope")) { try store.finishRun(runKey: "nope", metrics: [], costs: []) }
    }

    @Test func runsAreListedPerSpecInTableOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/r.sqlite")
        try store.beginRun(Self.record("b", cell: "B", index: 1, seed: 0))
        try store.beginRun(Self.record("a1", cell: "A", index: 0, seed: 1))
        try store.beginRun(Self.record("a0", cell: "A", index: 0, seed: 0))
        try store.beginRun(Self.record("x", spec: "other"))
        #expect(try store.runs(spec: "demo").map(\.record.runKey) == ["a0", "a1", "b"])
    }

    @Test func aDatabaseFromANewerSchemaIsRefusedUntouched() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/r.sqlite"
        do {
            let store = try ResultStore(path: path)
            try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9_future')") }
        }
        #expect(throws: StoreError.newerSchema(path: path, unknownMigrations: ["v9_future"])) { _ = try ResultStore(path: path) }
        let message = StoreError.newerSchema(path: path, unknownMigrations: ["v9_future"]).description
        #expect(message.contains("written by a newer FIABench") && message.contains("v9_future"))
    }
}

struct StorePretrainingTests {
    /// Records replace by slot, read back by slot name, need a begun run and go with it when it restarts.
    @Test func pretrainingRecordsRoundTripAndFollowTheirRun() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/fiabench.sqlite")
        let text = PretrainingRecord(slot: "text", artifact: "text-01.safetensors", recipe: "pretrain=mlm", seconds: nil, threads: nil,
                                     finalLoss: nil, finalAccuracy: nil)
        var backbone = PretrainingRecord(slot: "backbone", artifact: "backbone-00.safetensors", recipe: "pretrain=segmentation",
                                         seconds: 1.5, threads: 1, finalLoss: 0.5, finalAccuracy: 0.9)
        #expect(throws: StoreError.self) { try store.recordPretraining(runKey: "k1", [text]) }
        try store.beginRun(StoreTests.record("k1"))
        try store.recordPretraining(runKey: "k1", [text, backbone])
        backbone.seconds = 2.5
        try store.recordPretraining(runKey: "k1", [backbone])
        #expect(try store.pretraining(runKey: "k1") == [backbone, text])
        try store.beginRun(StoreTests.record("k1"))   // a restart clears the run's rows
        #expect(try store.pretraining(runKey: "k1").isEmpty)
    }
}

struct StoreMergeTests {
    @Test func mergeCopiesRunsWithTheirRowsAndNeverDowngradesAFinishedRun() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let main = try ResultStore(path: dir.path + "/main.sqlite")
        let task = try ResultStore(path: dir.path + "/task-1.sqlite")
        // main: k1 finished; task: k1 running (must not overwrite), k2 finished with rows.
        try main.beginRun(StoreTests.record("k1"))
        try main.finishRun(runKey: "k1", metrics: [MetricValue(split: "test", name: "mIoU", value: 0.5)], costs: [])
        try task.beginRun(StoreTests.record("k1"))
        try task.beginRun(StoreTests.record("k2", seed: 1))
        try task.recordEpoch(runKey: "k2", points: [CurvePoint(epoch: 1, step: 3, split: "train", loss: 0.9)])
        let metrics = [MetricValue(split: "test", name: "mIoU", value: 0.6), MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.1)]
        try task.finishRun(runKey: "k2", metrics: metrics, costs: [CostRecord(component: "total", params: 7)])
        let pretrained = PretrainingRecord(slot: "backbone", artifact: "backbone-00.safetensors", recipe: "pretrain=segmentation",
                                           seconds: 97.6, threads: 2, finalLoss: 0.54, finalAccuracy: 0.956)
        try task.recordPretraining(runKey: "k2", [pretrained])

        #expect(try main.merge(from: task) == ["k2"])
        #expect(try main.pretraining(runKey: "k2") == [pretrained])
        #expect(try main.finishedRunKeys() == ["k1", "k2"])
        #expect(try main.metrics(runKey: "k1") == [MetricValue(split: "test", name: "mIoU", value: 0.5)])
        #expect(try main.metrics(runKey: "k2") == metrics)
        #expect(try main.curves(runKey: "k2").map(\.loss) == [0.9])
        #expect(try main.costs(runKey: "k2").first?.params == 7)
        #expect(try main.params(runKey: "k2").count == 4)
        #expect(try main.run("k2")?.record == StoreTests.record("k2", seed: 1))
        #expect(try main.merge(from: task) == ["k2"])          // idempotent: replaced by itself
        #expect(try main.metrics(runKey: "k2").count == 2)
    }
}

struct StoreInteropTests {
    @Test func aFileThatIsNotADatabaseIsReportedNotOverwritten() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("notes.sqlite", "these are my notes, not a database\n")
        #expect {
            _ = try ResultStore(path: path)
        } throws: { error in
            guard case .cannotOpen(let p, _)? = error as? StoreError else { return false }
            return p == path
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are my notes, not a database\n")
    }

    /// The issue promises the database stays readable by Python's sqlite3 module (skipped without python3).
    @Test func pythonsSqlite3ReadsTheStoreWhileItIsOpen() throws {
        guard RunEnvironment.run(["python3", "-c", "import sqlite3"], keepEmpty: true) != nil else { return }
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/r.sqlite")
        try store.beginRun(StoreTests.record("k1"))
        try store.finishRun(runKey: "k1", metrics: [MetricValue(split: "test", name: "mIoU", value: 0.25)], costs: [])
        let script = "import sqlite3; c = sqlite3.connect('\(dir.path)/r.sqlite'); "
            + "print(c.execute(\"select r.status, m.value from runs r join metrics m using (run_key)\").fetchone())"
        #expect(RunEnvironment.run(["python3", "-c", script]) == "('finished', 0.25)")
    }
}
