import Testing
@testable import Experiment
@testable import Statistics
@testable import Runner
import RRSISModels

struct MetricsTests {
    /// Three hand-computed samples: IoU 1/2, an empty union (IoU 0 by convention), IoU 3/4.
    static func threeSamples() -> SegmentationEvaluator {
        var e = SegmentationEvaluator()
        e.add(prediction: [1, 1, 0, 0] as [UInt8], target: [1, 0, 0, 0] as [UInt8], tags: ["scale": "small", "category": "ship"])
        e.add(prediction: [0, 0, 0, 0] as [UInt8], target: [0, 0, 0, 0] as [UInt8], tags: ["scale": "small"])
        e.add(prediction: [1, 1, 1, 1] as [UInt8], target: [1, 1, 1, 0] as [UInt8], tags: ["scale": "large", "category": "ship"])
        return e
    }

    @Test func overallIoUIsCumulativeIntersectionOverCumulativeUnion() {
        let e = Self.threeSamples()
        #expect(e.overall.intersection == 4 && e.overall.union == 6)
        #expect(e.overall.overallIoU == 4.0 / 6.0 && e.overall.oIoU == 4.0 / 6.0)
    }

    @Test func meanIoUAveragesPerSampleIoUWithEmptyUnionAsZero() {
        #expect(Self.threeSamples().overall.meanIoU == (0.5 + 0 + 0.75) / 3)
    }

    @Test func precisionCountsSamplesAtOrAboveEachThreshold() {
        let o = Self.threeSamples().overall
        #expect(o.precision(at: .pr50) == 2.0 / 3)   // 0.5 ≥ 0.5 counts
        #expect(o.precision(at: .pr60) == 1.0 / 3)
        #expect(o.precision(at: .pr70) == 1.0 / 3)
        #expect(o.precision(at: .pr80) == 0)
        #expect(o.precision(at: .pr90) == 0)
    }

    @Test(arguments: [(7, 10, Metric.pr70, 1.0), (4, 5, .pr80, 1.0), (9, 10, .pr90, 1.0), (89, 100, .pr90, 0.0), (3, 5, .pr60, 1.0)])
    func thresholdsAreInclusiveAtExactRatios(i: Int, u: Int, metric: Metric, expected: Double) {
        var a = IoUAccumulator()
        a.add(intersection: i, union: u)
        #expect(a.precision(at: metric) == expected)
    }

    @Test func predictionOnEmptyTargetScoresZero() {
        var e = SegmentationEvaluator()
        e.add(prediction: [1, 0] as [UInt8], target: [0, 0] as [UInt8])
        #expect(e.overall.meanIoU == 0 && e.overall.overallIoU == 0 && e.overall.union == 1)
    }

    @Test func twoClassLogitsUseArgmaxWithTiesToBackground() {
        var e = SegmentationEvaluator()
        // Channel-major [2, 4]: background logits, then target logits. Pixel 3 is a tie → background.
        e.add(classLogits: [0, 0, 0, 0, 1, 0.5, -1, 0], target: [1, 0, 0, 0])
        #expect(e.overall.intersection == 1 && e.overall.union == 2)
    }

    @Test func singleLogitMapPredictsTargetWhenPositive() {
        var e = SegmentationEvaluator()
        e.add(logits: [0.1, -0.2, 0, 3], target: [1, 1, 0, 1])
        #expect(e.overall.intersection == 2 && e.overall.union == 3)
    }

    @Test func batchesSplitIntoSamples() {
        var e = SegmentationEvaluator()
        // Two samples of two pixels: [B=2, 2, 2] logits, [2, 2] targets.
        e.addBatch(classLogits: [0, 0, 1, -1, /* sample 1 */ 0, 0, 1, 1], targets: [1, 1, 0, 1], batch: 2,
                   tags: [["scale": "small"], ["scale": "large"]])
        #expect(e.overall.count == 2)
        #expect(e.overall.meanIoU == (0.5 + 0.5) / 2)      // {1}/{0,1} and {1}/{0,1}
        #expect(e.byTag["scale=large"]?.meanIoU == 0.5)
        var single = SegmentationEvaluator()
        single.addBatch(logits: [1, -1, 1, 1], targets: [1, 1, 0, 1], batch: 2)
        #expect(single.overall.intersection == 2 && single.overall.union == 4)
    }

    @Test func breakdownByTags() {
        let e = Self.threeSamples()
        #expect(e.byTag["scale=small"]?.count == 2)
        #expect(e.byTag["scale=small"]?.meanIoU == 0.25)
        #expect(e.byTag["scale=large"]?.overallIoU == 0.75)
        #expect(e.byTag["category=ship"]?.overallIoU == 4.0 / 6.0)
        #expect(e.byTag["category=ship"]?.precision(at: .pr70) == 0.5)
    }

    @Test func storeRowsListTheSplitThenSortedTags() {
        let rows = Self.threeSamples().metricValues(split: "test")
        #expect(rows.prefix(7).map(\.name) == ["oIoU", "mIoU", "Pr@0.5", "Pr@0.6", "Pr@0.7", "Pr@0.8", "Pr@0.9"])
        #expect(rows.prefix(7).allSatisfy { $0.tag == nil && $0.split == "test" })
        #expect(rows[1].value == (0.5 + 0.75) / 3)
        #expect(Array(Set(rows.compactMap(\.tag))).sorted() == ["category=ship", "scale=large", "scale=small"])
        #expect(rows.first { $0.tag == "scale=small" && $0.name == "samples" }?.value == 2)
    }
}
