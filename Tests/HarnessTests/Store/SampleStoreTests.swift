import Foundation
import GRDB
import Testing
@testable import Statistics
@testable import RunStore
@testable import Runner
@testable import Reporting
import RRSISModels

@Suite("Per-sample results in the store")
struct SampleStoreTests {
    static let rows = [
        SampleResult(split: "test", sampleID: "s2", intersection: 3, union: 4, tags: ["positionNeeded=true", "scale=small"]),
        SampleResult(split: "test", sampleID: "s1", intersection: 0, union: 0),
        SampleResult(split: "val", sampleID: "v1", intersection: 5, union: 10, tags: ["scale=large"]),
    ]

    @Test func sampleResultsRoundTripAndReadFromSQLAsDocumented() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/s.sqlite")
        try store.beginRun(StoreTests.record("k1"))
        try store.recordSamples(runKey: "k1", Self.rows)
        #expect(try store.samples(runKey: "k1", split: "test") == [Self.rows[1], Self.rows[0]])   // by sample id
        #expect(try store.samples(runKey: "k1", split: "val") == [Self.rows[2]])
        try store.pool.read { db in
            let r = try #require(try Row.fetchOne(db, sql: "SELECT * FROM sample_results WHERE sample_id = 's2'"))
            #expect(r["intersection"] as Int == 3 && r["union_px"] as Int == 4 && r["iou"] as Double == 0.75)
            #expect(r["tags"] as String == "positionNeeded=true;scale=small")
        }
        // Rewriting a split replaces its rows only.
        try store.recordSamples(runKey: "k1", [SampleResult(split: "test", sampleID: "s9", intersection: 1, union: 2)])
        #expect(try store.samples(runKey: "k1", split: "test").map(\.sampleID) == ["s9"])
        #expect(try store.samples(runKey: "k1", split: "val").count == 1)
        // Restarting the run clears them with its other rows.
        try store.beginRun(StoreTests.record("k1"))
        #expect(try store.samples(runKey: "k1", split: "test").isEmpty)
        #expect(throws: StoreError.unknownRun(runKey: "nope")) { try store.recordSamples(runKey: "nope", Self.rows) }
    }

    @Test func mergeCopiesSampleResults() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let main = try ResultStore(path: dir.path + "/main.sqlite"), task = try ResultStore(path: dir.path + "/task.sqlite")
        try task.beginRun(StoreTests.record("k2"))
        try task.recordSamples(runKey: "k2", Self.rows)
        try task.finishRun(runKey: "k2", metrics: [], costs: [])
        #expect(try main.merge(from: task) == ["k2"])
        #expect(try main.samples(runKey: "k2", split: "test").count == 2)
        #expect(try main.samples(runKey: "k2", split: "val") == [Self.rows[2]])
    }

    @Test func evaluatorKeepsEverySampleWithAnIdAndItsTags() {
        var e = SegmentationEvaluator()
        // Two samples of 4 pixels as [2, 4] class logits each: sample a predicts pixels 0-1 (target 1-2),
        // sample b predicts nothing on an empty target.
        let logits: [Float] = [0, 0, 1, 1, 1, 1, 0, 0] + [1, 1, 1, 1, 0, 0, 0, 0]
        let targets: [UInt8] = [0, 1, 1, 0] + [0, 0, 0, 0]
        e.addBatch(classLogits: logits, targets: targets, batch: 2, tags: [["scale": "small"], [:]], ids: ["a", "b"])
        #expect(e.sampleResults(split: "test") == [
            SampleResult(split: "test", sampleID: "a", intersection: 1, union: 3, tags: ["scale=small"]),
            SampleResult(split: "test", sampleID: "b", intersection: 0, union: 0),
        ])
        // The per-sample rows recompute the split's metrics exactly.
        let m = SampleMatrix([e.sampleResults(split: "test").map { ($0.intersection, $0.union) }])
        #expect(m.value(.mIoU, seed: 0) == e.overall.meanIoU && m.value(.oIoU, seed: 0) == e.overall.overallIoU)
    }

    @Test func pairingKeepsSharedSeedsAndSamplesInOrder() throws {
        func run(_ values: [(String, Int)]) -> [SampleResult] {
            values.map { SampleResult(split: "test", sampleID: $0.0, intersection: $0.1, union: 10, tags: $0.0 == "b" ? ["x=1"] : []) }
        }
        // Baseline seeds 0, 1, 2; variant seeds 1, 2 only, and its seed-2 run lacks sample "c".
        let paired = try #require(PairedSamples(
            baseline: [(0, run([("a", 1), ("b", 2), ("c", 3)])), (1, run([("a", 4), ("b", 5), ("c", 6)])), (2, run([("c", 9), ("b", 8), ("a", 7)]))],
            variant: [(2, run([("b", 2), ("a", 1)])), (1, run([("a", 3), ("b", 4), ("c", 5)]))]))
        #expect(paired.seeds == [1, 2] && paired.sampleIDs == ["a", "b"])
        #expect(paired.baseline.intersection == [4, 5, 7, 8] && paired.variant.intersection == [3, 4, 1, 2])
        let tagged = try #require(paired.restricted(toTag: "x=1"))
        #expect(tagged.sampleIDs == ["b"] && tagged.variant.intersection == [4, 2])
        #expect(PairedSamples(baseline: [(0, run([("a", 1)]))], variant: [(1, run([("a", 1)]))]) == nil)   // no shared seed
    }
}
