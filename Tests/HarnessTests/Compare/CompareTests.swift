import Foundation
import Testing
@testable import Experiment
@testable import Statistics
@testable import RunStore
@testable import Reporting
@testable import Figures
import RRSISModels

/// A temporary store populated through `ResultStore`'s own API, with runs at two commits.
struct CompareFixture {
    static let base = "aaaa111122223333444455556666777788889999"
    static let head = "bbbb111122223333444455556666777788889999"
    let dir: TempDir
    let store: ResultStore

    init() throws {
        dir = try TempDir()
        store = try ResultStore(path: dir.path + "/r.sqlite")
    }

    /// A finished run of `cell` (config hash `config`) at `commit` with test-split metrics given in points.
    func add(_ commit: String?, cell: String, config: String, index: Int = 0, seed: Int, spec: String = "demo",
             metrics: [String: Double], costs: [CostRecord] = CompareFixture.costs(), finishedAt: Double = 1_800_000_000,
             status: RunStatus = .finished, dirty: Bool = false) throws {
        let key = "\(commit?.prefix(4) ?? "none")-\(spec)-\(config)-\(seed)"
        try store.beginRun(RunRecord(runKey: key, specName: spec, specFile: "Ablations/\(spec).json", specHash: "h", cellName: cell,
                                     cellIndex: index, seed: seed, commit: commit, dirty: dirty, toolchain: "t", host: "h", cores: 2,
                                     threads: 2, config: "{}", configHash: config, datasetFingerprint: "fp",
                                     startedAt: Date(timeIntervalSince1970: finishedAt - 60)))
        switch status {
        case .finished:
            try store.finishRun(runKey: key, metrics: metrics.map { MetricValue(split: "test", name: $0.key, value: $0.value / 100) }
                                    + [MetricValue(split: "val", name: "mIoU", value: 0.01), MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.02)],
                                costs: costs, finishedAt: Date(timeIntervalSince1970: finishedAt))
        case .failed: try store.failRun(runKey: key, message: "boom")
        case .running: break
        }
    }

    static func costs(params: Int = 1000, backbone: Int = 600, macs: Int = 9000, stepSeconds: Double = 0.2, inferMs: Double = 10) -> [CostRecord] {
        [CostRecord(component: CostRecord.total, params: params, macs: macs, flops: 2 * macs, trainSecondsPerStep: stepSeconds,
                    inferenceMsPerImage: inferMs),
         CostRecord(component: "backbone", params: backbone, macs: 5000, flops: 10000)]
    }

    /// The same metrics on every seed at both commits for `cell` (a cell that does not move).
    func addSteady(_ cell: String, config: String, seeds: [Int] = [0, 1, 2], mIoU: [Double] = [70, 71, 72],
                   headCosts: [CostRecord] = CompareFixture.costs(), headTimes: [Double]? = nil) throws {
        for (i, seed) in seeds.enumerated() {
            try add(Self.base, cell: cell, config: config, seed: seed, metrics: ["mIoU": mIoU[i]])
            var costs = headCosts
            if let headTimes { costs[0].inferenceMsPerImage = headTimes[i] }
            try add(Self.head, cell: cell, config: config, seed: seed, metrics: ["mIoU": mIoU[i]], costs: costs)
        }
    }

    func compare(spec: String? = nil, options: CompareOptions = CompareOptions()) throws -> Comparison {
        try RunComparer.compare(store: store, base: Self.base, head: Self.head, spec: spec, options: options)
    }
}

extension Comparison {
    func finding(_ cell: String, _ measure: String) -> Finding? { findings.first { $0.cell == cell && $0.measure == measure } }
}

struct CompareTests {
    @Test func classifiesQualityByWelchAndMinimumEffect() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        let B = CompareFixture.base, H = CompareFixture.head
        for (seed, (b, h)) in zip([70.0, 71, 72], [73.0, 74.5, 76]).enumerated() {
            // Improved: +3.5 pt, Welch p = 0.0348 (scipy). Regressed: the mirror image.
            try f.add(B, cell: "Up", config: "c-up", seed: seed, metrics: ["mIoU": b])
            try f.add(H, cell: "Up", config: "c-up", seed: seed, metrics: ["mIoU": h])
            try f.add(B, cell: "Down", config: "c-down", index: 1, seed: seed, metrics: ["mIoU": h])
            try f.add(H, cell: "Down", config: "c-down", index: 1, seed: seed, metrics: ["mIoU": b])
            // Significant (p ≪ 0.05) but 0.5 pt < 1 pt: unchanged. Noisy +2 pt (p ≈ 0.8): unchanged.
            try f.add(B, cell: "Small", config: "c-small", index: 2, seed: seed, metrics: ["mIoU": 70 + 0.01 * Double(seed), "oIoU": [60.0, 70, 80][seed]])
            try f.add(H, cell: "Small", config: "c-small", index: 2, seed: seed, metrics: ["mIoU": 70.5 + 0.01 * Double(seed), "oIoU": [62.0, 72, 82][seed]])
        }
        let c = try f.compare()
        let up = try #require(c.finding("Up", "mIoU"))
        #expect(up.verdict == .improved && up.kind == .quality)
        #expect(up.base == "71.00 ± 1.00" && up.head == "74.50 ± 1.50" && up.change == "+3.50 pt")
        #expect(up.evidence.hasPrefix("Welch p = 0.035, df = 3.5, n = 3/3"))
        #expect(try #require(c.finding("Down", "mIoU")).verdict == .regressed)
        #expect(try #require(c.finding("Small", "mIoU")).verdict == .unchanged)
        #expect(try #require(c.finding("Small", "oIoU")).verdict == .unchanged)
        // Only whole-split test metrics: the val split and tagged breakdowns are not measures.
        #expect(c.findings.filter { $0.kind == .quality }.count == 4)
        #expect(c.matchedRuns == 9 && c.exitCode == 1)

        // A laxer minimum effect turns the small significant shift into an improvement; a stricter alpha drops "Up".
        var lax = CompareOptions(); lax.minEffectPoints = 0.4
        #expect(try #require(try f.compare(options: lax).finding("Small", "mIoU")).verdict == .improved)
        var strict = CompareOptions(); strict.alpha = 0.01
        #expect(try #require(try f.compare(options: strict).finding("Up", "mIoU")).verdict == .unchanged)
    }

    @Test func oneSeedIsNotDecided() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.add(CompareFixture.base, cell: "Solo", config: "c", seed: 0, metrics: ["mIoU": 60])
        try f.add(CompareFixture.head, cell: "Solo", config: "c", seed: 0, metrics: ["mIoU": 80])
        let c = try f.compare()
        let solo = try #require(c.finding("Solo", "mIoU"))
        #expect(solo.verdict == .insufficientSeeds && solo.change == "+20.00 pt")
        #expect(c.exitCode == 0)
    }

    @Test func runsOnOneSideOnlyAreMissing() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("Kept", config: "c1", seeds: [0, 1])
        try f.add(CompareFixture.base, cell: "Kept", config: "c1", seed: 2, metrics: ["mIoU": 71])
        try f.add(CompareFixture.head, cell: "Kept", config: "c1", seed: 2, metrics: [:], status: .failed)
        try f.add(CompareFixture.head, cell: "New", config: "c2", index: 1, seed: 0, metrics: ["mIoU": 50])
        // Same cell name under another config (the spec changed) does not pair with "Kept".
        try f.add(CompareFixture.head, cell: "Kept", config: "c1-edited", seed: 0, metrics: ["mIoU": 10])
        // Another commit's runs are ignored.
        try f.add("cccc000000000000000000000000000000000000", cell: "Kept", config: "c1", seed: 0, metrics: ["mIoU": 0])
        let c = try f.compare()
        let missing = c.findings.filter { $0.verdict == .missing }
        #expect(missing.map { "\($0.cell) \($0.measure) \($0.base)→\($0.head)" } == [
            "Kept seed 2 finished→failed", "Kept seed 0 —→finished", "New seed 0 —→finished",
        ])
        #expect(c.matchedRuns == 2 && c.exitCode == 0)
        #expect(try #require(c.finding("Kept", "mIoU")).verdict == .unchanged)
    }

    @Test func nothingToCompareExitsThree() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.add(CompareFixture.base, cell: "A", config: "c", seed: 0, metrics: ["mIoU": 70])
        try f.add(CompareFixture.head, cell: "A", config: "c", seed: 1, metrics: ["mIoU": 70])
        let c = try f.compare()
        #expect(c.matchedRuns == 0 && c.exitCode == 3)
        #expect(c.findings.allSatisfy { $0.verdict == .missing } && c.findings.count == 2)
    }

    @Test func costsMustMatchExactly() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("Bigger", config: "c1", headCosts: CompareFixture.costs(params: 1001, backbone: 601))
        try f.addSteady("Smaller", config: "c2", headCosts: CompareFixture.costs(macs: 8000))
        try f.addSteady("Same", config: "c3")
        let c = try f.compare()
        let total = try #require(c.finding("Bigger", "params total"))
        #expect(total.verdict == .regressed && total.base == "1000" && total.head == "1001" && total.change == "+1")
        #expect(try #require(c.finding("Bigger", "params backbone")).verdict == .regressed)
        let macs = try #require(c.finding("Smaller", "MACs total"))
        #expect(macs.verdict == .improved && macs.change == "-1000")
        // Identical costs collapse into one unchanged row: params and MACs of total and backbone = 4 values.
        let same = try #require(c.finding("Same", "params, MACs"))
        #expect(same.verdict == .unchanged && same.base == "4 values")
        #expect(c.exitCode == 1)
        // A smaller model alone is no regression.
        let g = try CompareFixture()
        defer { g.dir.remove() }
        try g.addSteady("Smaller", config: "c2", headCosts: CompareFixture.costs(macs: 8000))
        #expect(try g.compare().exitCode == 0)
    }

    @Test func timingsUseARelativeThresholdOnTheMedian() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        // Base inference 10 ms on every seed. Head medians: 12 (+20%, one outlier does not matter), 10.5 (+5%), 8.5 (−15%).
        try f.addSteady("Slow", config: "c1", headTimes: [12, 30, 11])
        try f.addSteady("Noise", config: "c2", headTimes: [10.5, 9, 11])
        try f.addSteady("Fast", config: "c3", headTimes: [8.5, 8.5, 8])
        let c = try f.compare()
        let slow = try #require(c.finding("Slow", "infer ms/image"))
        #expect(slow.verdict == .regressed && slow.base == "10.00" && slow.head == "12.00" && slow.change == "+20.0%")
        #expect(try #require(c.finding("Noise", "infer ms/image")).verdict == .unchanged)
        #expect(try #require(c.finding("Fast", "infer ms/image")).verdict == .improved)
        #expect(try #require(c.finding("Slow", "train s/step")).verdict == .unchanged)
        #expect(c.exitCode == 2)
        var loose = CompareOptions(); loose.timingThreshold = 0.25
        #expect(try f.compare(options: loose).exitCode == 0)
    }

    @Test func specFilterAndMarkdown() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", headTimes: [20, 20, 20])
        try f.add(CompareFixture.base, cell: "B", config: "c9", seed: 0, spec: "other", metrics: ["mIoU": 1])
        #expect(try f.compare(spec: "demo").findings.allSatisfy { $0.spec == "demo" })
        #expect(try f.compare().findings.contains { $0.spec == "other" && $0.verdict == .missing })
        let md = ComparisonReport.markdown(try f.compare(spec: "demo"))
        #expect(md.hasPrefix("# Comparison aaaa111 → bbbb111\n"))
        #expect(md.contains("**Timing regression only** (exit 2)"))
        #expect(md.contains("## Regressed (1)\n\n| Spec | Cell | Kind | Measure | Base | Head | Change | Evidence |"))
        #expect(md.contains("| demo | A | timing | infer ms/image | 10.00 | 20.00 | +100.0% | median of 3/3 seeds, threshold ±10% |"))
        #expect(md.contains("## Missing (0)\n\nNone.\n"))
        #expect(!md.contains("uncommitted"))
        try f.add(CompareFixture.head, cell: "A", config: "c1", seed: 0, metrics: ["mIoU": 70], costs: CompareFixture.costs(inferMs: 20),
                  finishedAt: 1_800_000_001, dirty: true)
        let dirty = try f.compare(spec: "demo")
        #expect(dirty.dirtyRuns == 1 && ComparisonReport.markdown(dirty).contains("⚠ 1 of the compared runs were made with uncommitted changes"))
    }

    @Test func revisionsResolveThroughGitOrAStoredPrefix() throws {
        let stored: Set<String> = [CompareFixture.base, CompareFixture.head, "aaab000000000000000000000000000000000000"]
        let noGit = CommitResolver { _ in nil }
        #expect(try noGit.resolve("BBBB11", stored: stored) == CompareFixture.head)
        #expect(throws: CompareError.ambiguousRevision("aaa", matches: [CompareFixture.base, "aaab000000000000000000000000000000000000"])) {
            try noGit.resolve("aaa", stored: stored)
        }
        #expect(throws: CompareError.unknownRevision("main")) { try noGit.resolve("main", stored: stored) }
        let git = CommitResolver { args in args.first == "rev-parse" && args.contains("main^{commit}") ? CompareFixture.base : nil }
        #expect(try git.resolve("main", stored: []) == CompareFixture.base)
    }

    @Test func commandWritesTheSummaryAndReportsErrors() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", headCosts: CompareFixture.costs(params: 2000))
        let resolver = CommitResolver { _ in nil }
        let out = f.dir.path + "/out/compare.md"
        let result = try CompareCommands.compare(base: "aaaa", head: "bbbb", spec: "demo", storePath: f.store.path, output: out, resolver: resolver)
        #expect(result.exitCode == 1)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == result.text)
        #expect(throws: CompareError.sameCommit(CompareFixture.base)) {
            try CompareCommands.compare(base: "aaaa", head: "aaaa1", storePath: f.store.path, resolver: resolver)
        }
        #expect(throws: CompareError.noStore(path: f.dir.path + "/none.sqlite")) {
            try CompareCommands.compare(base: "aaaa", storePath: f.dir.path + "/none.sqlite", resolver: resolver)
        }
    }
}
