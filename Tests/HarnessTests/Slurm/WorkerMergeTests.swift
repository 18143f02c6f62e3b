import Foundation
import GRDB
import Testing
@testable import Harness
@testable import RunStore
@testable import Reporting
@testable import Cluster
import RRSISModels

/// `ablate merge`: worker databases folded into the main store — idempotent, finished runs win, and a bad
/// file stops everything before the main store is touched.
struct WorkerMergeTests {
    /// A store at `path` with `runs`: key → finished with this test mIoU, or nil for a run left running.
    static func store(_ path: String, _ runs: [(String, Double?)], startedAt: Date = Date(timeIntervalSince1970: 1_800_000_000)) throws -> ResultStore {
        let store = try ResultStore(path: path)
        for (i, (key, miou)) in runs.enumerated() {
            var record = StoreTests.record(key, seed: i)
            record.startedAt = startedAt
            try store.beginRun(record)
            try store.recordEpoch(runKey: key, points: [CurvePoint(epoch: 1, step: 4, split: "train", loss: 0.5)])
            if let miou {
                try store.finishRun(runKey: key, metrics: [MetricValue(split: "test", name: "mIoU", value: miou)],
                                    costs: [CostRecord(component: "total", params: 7)], finishedAt: startedAt.addingTimeInterval(60))
            }
        }
        return store
    }

    /// Every row of every table, as text: equal dumps mean equal databases.
    static func dump(_ store: ResultStore) throws -> [String] {
        try store.pool.read { db in
            try ["runs", "params", "curves", "metrics", "costs", "predictions"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { "\(table): \($0)" }.sorted()
            }
        }
    }

    @Test func mergingTwiceAddsNothing() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        _ = try Self.store(dir.path + "/w0.sqlite", [("k0", 0.40)])
        _ = try Self.store(dir.path + "/w1.sqlite", [("k1", 0.50)])
        let workers = [dir.path + "/w0.sqlite", dir.path + "/w1.sqlite"]
        let first = try WorkerMerge.merge(workers, into: dir.path + "/main.sqlite")
        #expect(first.map(\.copied) == [["k0"], ["k1"]])
        #expect(first.allSatisfy { $0.alreadyPresent.isEmpty && $0.unfinished.isEmpty })
        let main = try ResultStore(path: dir.path + "/main.sqlite")
        let once = try Self.dump(main)
        #expect(once.filter { $0.hasPrefix("runs:") }.count == 2 && once.filter { $0.hasPrefix("curves:") }.count == 2)

        let second = try WorkerMerge.merge(workers, into: dir.path + "/main.sqlite")
        #expect(second.map(\.copied) == [[], []])
        #expect(second.map(\.alreadyPresent) == [["k0"], ["k1"]])
        #expect(second[0].summary == dir.path + "/w0.sqlite: 0 runs copied, 1 already present\n")
        #expect(try Self.dump(main) == once)
    }

    @Test func aFinishedRunIsNeverReplacedByAnUnfinishedOneAndReplacesOne() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // main: a finished, b running. worker: a running (a task killed), b finished, c failed.
        let main = try Self.store(dir.path + "/main.sqlite", [("a", 0.40), ("b", nil)])
        let worker = try Self.store(dir.path + "/w.sqlite", [("a", nil), ("b", 0.55), ("c", nil)])
        try worker.failRun(runKey: "c", message: "out of memory")
        let files = try WorkerMerge.merge([dir.path + "/w.sqlite"], into: dir.path + "/main.sqlite")
        #expect(files[0].copied == ["b"])
        #expect(files[0].keptFinished == ["a"])
        #expect(files[0].unfinished.map(\.record.runKey) == ["c"])
        #expect(files[0].summary.contains("not finished: FIAM, seed 2 (run key c): failed — out of memory"))
        #expect(try main.finishedRunKeys() == ["a", "b"])
        #expect(try main.metrics(runKey: "a").map(\.value) == [0.40])
        #expect(try main.metrics(runKey: "b").map(\.value) == [0.55])
        #expect(try main.statuses(of: ["c"]) == ["c": .failed])   // kept for diagnosis; `ablate run` retrains it
    }

    @Test func aDifferentFinishedRunWithTheSameKeyIsReportedAsReplaced() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let main = try Self.store(dir.path + "/main.sqlite", [("a", 0.40)])
        _ = try Self.store(dir.path + "/w.sqlite", [("a", 0.41)], startedAt: Date(timeIntervalSince1970: 1_900_000_000))
        let files = try WorkerMerge.merge([dir.path + "/w.sqlite"], into: dir.path + "/main.sqlite")
        #expect(files[0].replaced == ["a"] && files[0].copied.isEmpty && files[0].alreadyPresent.isEmpty)
        #expect(try main.metrics(runKey: "a").map(\.value) == [0.41])
    }

    enum Bad: String, CaseIterable { case missing, empty, text, truncated, otherSQLite, mainItself }

    @Test(arguments: Bad.allCases)
    func aBadFileStopsTheMergeBeforeTheMainStoreIsTouched(bad: Bad) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let main = try Self.store(dir.path + "/main.sqlite", [("a", 0.40)])
        _ = try Self.store(dir.path + "/good.sqlite", [("b", 0.50)])
        let before = try Self.dump(main)
        var path = dir.path + "/bad.sqlite"
        switch bad {
        case .missing: break
        case .empty: FileManager.default.createFile(atPath: path, contents: Data())
        case .text: try dir.write("bad.sqlite", "not a database\n")
        case .truncated:
            let full = try Self.store(dir.path + "/full.sqlite", (0..<40).map { ("t\($0)", 0.1) })
            try full.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/full.sqlite"))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        case .otherSQLite:
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
            try queue.close()
        case .mainItself: path = dir.path + "/./main.sqlite"
        }
        let error = #expect(throws: MergeError.self) {
            try WorkerMerge.merge([dir.path + "/good.sqlite", path], into: dir.path + "/main.sqlite")
        }
        #expect(error?.description.contains(path) ?? false)
        #expect(error?.description.hasSuffix("Nothing was merged; the main store is unchanged.") ?? false)
        #expect(try Self.dump(main) == before)
        if bad == .otherSQLite {   // and the other application's database got no FIABench tables
            let tables = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master") }
            #expect(tables == ["notes"])
        }
    }

    @Test func aPatternTheShellDidNotExpandIsNamedAsSuch() throws {
        let pattern = "/nowhere/workers/smoke-[0-9]*.sqlite"
        #expect(throws: MergeError.missing(path: pattern)) { try WorkerMerge.merge([pattern], into: "/nowhere/main.sqlite") }
        #expect(MergeError.missing(path: pattern).description.hasPrefix("No file matches \(pattern) (the shell passed the pattern on"))
    }

    @Test func mergeReportsTheSpecsItsRunsName() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        _ = try Self.store(dir.path + "/w.sqlite", [("a", 0.4)])
        let text = try SlurmCommands.merge(databases: [dir.path + "/w.sqlite"], storePath: dir.path + "/main.sqlite",
                                           resultsRoot: dir.path + "/Results")
        #expect(text.hasPrefix("merged 1 database into \(dir.path)/main.sqlite:\n\(dir.path)/w.sqlite: 1 run copied, 0 already present\n"))
        // The fixture's runs name Ablations/demo.json, which is not here: said, not thrown.
        #expect(text.contains("no report for Ablations/demo.json"))
    }
}
