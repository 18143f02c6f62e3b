import Declarations
import Experiment
import Foundation
import RunStore
import Statistics

/// Thresholds of `ablate compare`.
public struct CompareOptions: Equatable, Sendable {
    /// Split whose whole-split metrics are compared.
    public var split = "test"
    /// Smallest quality change, in percentage points, that counts (a significant 0.2-point move is noise for a paper).
    public var minEffectPoints = 1.0
    /// Significance level of Welch's t-test (two-sided).
    public var alpha = 0.05
    /// Relative change of a median timing that counts (0.10 = 10%).
    public var timingThreshold = 0.10
    /// Fewest timing samples (seeds) a side needs before a timing change is decided.
    public static let minimumTimingSamples = 3

    public init() {}
}

/// What a comparison decided about one measure.
public enum Verdict: String, CaseIterable, Sendable {
    case improved, regressed, unchanged
    /// Too few seeds on a side (two for quality, `CompareOptions.minimumTimingSamples` for timings): no decision.
    case insufficientSeeds = "insufficient seeds"
    /// Runs or measures present on one side only.
    case missing
}

/// One compared measure of one cell.
public struct Finding: Equatable, Sendable {
    public enum Kind: String, Sendable { case quality, cost, timing, runs }
    public var spec: String
    public var cell: String
    public var kind: Kind
    /// `mIoU`, `params backbone`, `train s/step`, `seeds 1, 2`.
    public var measure: String
    /// Display values (`71.20 ± 0.40`, `12 345`, `0.210`, `finished`).
    public var base: String
    public var head: String
    /// Display change (`+1.52 pt`, `+8.0%`, `+1 024`), empty when none applies.
    public var change: String
    /// Why: `p = 0.003, df = 3.8`, `median of 3 seeds`.
    public var evidence: String
    public var verdict: Verdict
}

/// `ablate compare`'s result: every finding, and the exit code CI reads.
public struct Comparison: Equatable, Sendable {
    public var base: String
    public var head: String
    public var options: CompareOptions
    public var findings: [Finding]
    /// Run pairs (same spec, config hash and seed, one at each commit, both finished).
    public var matchedRuns: Int
    /// Matched runs (counting both sides) made on a tree with uncommitted changes: their commit does not say all.
    public var dirtyRuns = 0

    /// 1: a quality or cost regression; 2: only timings regressed; 3: no run pair to compare; 0 otherwise.
    public var exitCode: Int32 {
        let regressed = findings.filter { $0.verdict == .regressed }
        if regressed.contains(where: { $0.kind == .quality || $0.kind == .cost }) { return 1 }
        if !regressed.isEmpty { return 2 }
        return matchedRuns == 0 ? 3 : 0
    }
}

/// Compares the runs of two commits, cell by cell. Runs pair up when they share spec name, config hash
/// and seed; only pairs where both runs finished are measured.
public enum RunComparer {
    /// Everything one finished run contributes.
    struct Measured {
        var metrics: [String: Double]
        var costs: [String: CostRecord]
        /// The run's seed and per-sample results on the compared split (empty for runs stored before schema v4).
        var seed = 0
        var samples: [SampleResult] = []
        /// Training seconds per step of each epoch, from the run's curve (the timing repeated inside the run);
        /// empty when the curve has no training times.
        var epochSecondsPerStep: [Double] = []
    }

    /// The runs of one cell config (spec name + config hash) at each commit, by seed.
    struct CellRuns {
        var spec: String
        var configHash: String
        var cell = ""
        /// Smallest cell index seen (table order).
        var index = Int.max
        var base: [Int: StoredRun] = [:]
        var head: [Int: StoredRun] = [:]
    }

    public static func compare(store: ResultStore, base: String, head: String, spec: String? = nil,
                               options: CompareOptions = CompareOptions()) throws -> Comparison {
        var findings: [Finding] = []
        var matched = 0, dirty = 0
        for g in group(try store.runs(commits: [base, head], spec: spec), head: head) {
            var pairs: [(base: Measured, head: Measured)] = []
            for seed in Set(g.base.keys).union(g.head.keys).sorted() {
                let b = g.base[seed], h = g.head[seed]
                if let b, let h, b.status == .finished, h.status == .finished {
                    dirty += [b, h].filter { $0.record.dirty == true }.count
                    pairs.append((try measure(b, store: store, split: options.split), try measure(h, store: store, split: options.split)))
                } else {
                    let bs = b?.status.rawValue ?? "—", hs = h?.status.rawValue ?? "—"
                    let side = bs == "finished" ? "head" : hs == "finished" ? "base" : "either commit"
                    findings.append(Finding(spec: g.spec, cell: g.cell, kind: .runs, measure: "seed \(seed)", base: bs, head: hs,
                                            change: "", evidence: "no finished run at \(side)", verdict: .missing))
                }
            }
            matched += pairs.count
            guard !pairs.isEmpty else { continue }
            let context = (spec: g.spec, cell: g.cell)
            findings += quality(pairs, context, options) + costs(pairs, context) + timings(pairs, context, options)
        }
        return Comparison(base: base, head: head, options: options, findings: findings, matchedRuns: matched, dirtyRuns: dirty)
    }

    /// Groups runs of the two commits by (spec, config hash), in table order (spec, cell index, cell name, config
    /// hash). When a commit has several runs of a seed (e.g. a rerun on a dirty tree), a finished one beats an
    /// unfinished one, then the latest wins.
    static func group(_ runs: [StoredRun], head: String) -> [CellRuns] {
        var groups: [String: CellRuns] = [:]
        for run in runs {
            let id = run.record.specName + "\u{0}" + run.record.configHash
            var g = groups[id] ?? CellRuns(spec: run.record.specName, configHash: run.record.configHash)
            g.index = min(g.index, run.record.cellIndex)
            func better(_ old: StoredRun?) -> Bool {
                guard let old else { return true }
                if (old.status == .finished) != (run.status == .finished) { return run.status == .finished }
                return (run.finishedAt ?? run.record.startedAt) >= (old.finishedAt ?? old.record.startedAt)
            }
            let atHead = run.record.commit == head
            if atHead || g.cell.isEmpty { g.cell = run.record.cellName }   // the head's name for a renamed cell
            if atHead { if better(g.head[run.record.seed]) { g.head[run.record.seed] = run } }
            else if better(g.base[run.record.seed]) { g.base[run.record.seed] = run }
            groups[id] = g
        }
        return groups.values.sorted { ($0.spec, $0.index, $0.cell, $0.configHash) < ($1.spec, $1.index, $1.cell, $1.configHash) }
    }

    static func measure(_ run: StoredRun, store: ResultStore, split: String) throws -> Measured {
        var metrics: [String: Double] = [:]
        for m in try store.metrics(runKey: run.record.runKey) where m.split == split && m.tag == nil && Metric(rawValue: m.name) != nil {
            metrics[m.name] = m.value
        }
        var costs: [String: CostRecord] = [:]
        for c in try store.costs(runKey: run.record.runKey) { costs[c.component] = c }
        return Measured(metrics: metrics, costs: costs, seed: run.record.seed,
                        samples: try store.samples(runKey: run.record.runKey, split: split),
                        epochSecondsPerStep: epochSecondsPerStep(try store.curves(runKey: run.record.runKey)))
    }

    /// Seconds per step of each epoch: the differences of a curve's cumulative training seconds over the steps
    /// between its `train` points (the first epoch measured from the run's start).
    static func epochSecondsPerStep(_ curve: [CurvePoint]) -> [Double] {
        var out: [Double] = []
        var previous = (step: 0, seconds: 0.0)
        for point in curve where point.split == "train" {
            guard let seconds = point.seconds, point.step > previous.step else { continue }
            out.append((seconds - previous.seconds) / Double(point.step - previous.step))
            previous = (point.step, seconds)
        }
        return out
    }

    static func quality(_ pairs: [(base: Measured, head: Measured)], _ at: (spec: String, cell: String),
                        _ options: CompareOptions) -> [Finding] {
        let paired = pairedDeltas(pairs, options)
        return Metric.allCases.compactMap { metric in
            let b = pairs.compactMap { $0.base.metrics[metric.name] }.map { 100 * $0 }
            let h = pairs.compactMap { $0.head.metrics[metric.name] }.map { 100 * $0 }
            if b.isEmpty && h.isEmpty { return nil }
            var f = Finding(spec: at.spec, cell: at.cell, kind: .quality, measure: metric.name, base: spread(b), head: spread(h),
                            change: "", evidence: "", verdict: .missing)
            guard !b.isEmpty, !h.isEmpty else { f.evidence = "metric not recorded at \(b.isEmpty ? "base" : "head")"; return f }
            f.change = Format.signed(SeedStats.mean(h) - SeedStats.mean(b), 2) + " pt"
            if let d = paired[metric] { return pairedFinding(f, d, options) }
            guard let w = SeedStats.welch(b, h) else {
                f.verdict = .insufficientSeeds
                f.evidence = "\(min(b.count, h.count)) seed\(min(b.count, h.count) == 1 ? "" : "s") on a side; need 2"
                return f
            }
            f.evidence = "Welch p = \(pValue(w.p)), df = \(Format.fixed(w.degreesOfFreedom, 1)), n = \(b.count)/\(h.count)"
            let significant = w.p < options.alpha && abs(w.difference) >= options.minEffectPoints - 1e-9
            f.verdict = significant ? (w.difference > 0 ? .improved : .regressed) : .unchanged
            return f
        }
    }

    /// Params and MACs, total and per component, over every seed pair: any difference is a change.
    static func costs(_ pairs: [(base: Measured, head: Measured)], _ at: (spec: String, cell: String)) -> [Finding] {
        let baseHas = pairs.contains { !$0.base.costs.isEmpty }, headHas = pairs.contains { !$0.head.costs.isEmpty }
        if !baseHas && !headHas { return [] }
        guard baseHas && headHas else {
            return [Finding(spec: at.spec, cell: at.cell, kind: .cost, measure: "costs", base: baseHas ? "recorded" : "—",
                            head: headHas ? "recorded" : "—", change: "", evidence: "costs not recorded at \(baseHas ? "head" : "base")",
                            verdict: .missing)]
        }
        var names = Set<String>()
        for pair in pairs { names.formUnion(pair.base.costs.keys); names.formUnion(pair.head.costs.keys) }
        let components = (names.contains(CostRecord.total) ? [CostRecord.total] : []) + names.subtracting([CostRecord.total]).sorted()
        var findings: [Finding] = []
        var identical = 0
        for component in components {
            for (name, value) in [("params", \CostRecord.params), ("MACs", \CostRecord.macs)] as [(String, KeyPath<CostRecord, Int?>)] {
                let values = pairs.map { ($0.base.costs[component]?[keyPath: value], $0.head.costs[component]?[keyPath: value]) }
                if values.allSatisfy({ $0.0 == nil && $0.1 == nil }) { continue }
                guard let (b, h) = values.first(where: { $0.0 != $0.1 }) else { identical += 1; continue }
                let delta: Int = (h ?? 0) - (b ?? 0)
                let baseText = b.map { String($0) } ?? "—", headText = h.map { String($0) } ?? "—"
                let change = (delta > 0 ? "+" : "") + String(delta)
                findings.append(Finding(spec: at.spec, cell: at.cell, kind: .cost, measure: "\(name) \(component)",
                                        base: baseText, head: headText, change: change, evidence: "must match exactly",
                                        verdict: delta > 0 ? .regressed : .improved))
            }
        }
        if identical > 0 {
            findings.append(Finding(spec: at.spec, cell: at.cell, kind: .cost, measure: "params, MACs", base: "\(identical) values",
                                    head: "identical", change: "", evidence: "\(components.count) component\(components.count == 1 ? "" : "s")",
                                    verdict: .unchanged))
        }
        return findings
    }

    /// Training s/step and inference ms/image: medians, relative threshold; lower is better. Training time is sampled
    /// once per epoch of every seed (the run's curve; the `total` cost row's run average when a run has no curve
    /// times), inference time once per seed. Decided only with at least `CompareOptions.minimumTimingSamples` samples
    /// on each side (the median of three is robust to one outlier; of one or two it is not, so one noisy
    /// measurement is never a regression).
    static func timings(_ pairs: [(base: Measured, head: Measured)], _ at: (spec: String, cell: String),
                        _ options: CompareOptions) -> [Finding] {
        func trainSamples(_ m: Measured) -> [Double] {
            m.epochSecondsPerStep.isEmpty ? [m.costs[CostRecord.total]?.trainSecondsPerStep].compactMap { $0 } : m.epochSecondsPerStep
        }
        func inferSamples(_ m: Measured) -> [Double] { [m.costs[CostRecord.total]?.inferenceMsPerImage].compactMap { $0 } }
        let measures: [(String, (Measured) -> [Double], Int)] = [("train s/step", trainSamples, 4), ("infer ms/image", inferSamples, 2)]
        return measures.compactMap { name, samples, decimals in
            let b = pairs.flatMap { samples($0.base) }, h = pairs.flatMap { samples($0.head) }
            if b.isEmpty && h.isEmpty { return nil }
            let mb = SeedStats.median(b), mh = SeedStats.median(h)
            var f = Finding(spec: at.spec, cell: at.cell, kind: .timing, measure: name, base: Format.fixed(mb, decimals),
                            head: Format.fixed(mh, decimals), change: "", evidence: "", verdict: .missing)
            guard !b.isEmpty, !h.isEmpty else { f.evidence = "not recorded at \(b.isEmpty ? "base" : "head")"; return f }
            guard mb > 0 else { f.verdict = .unchanged; f.evidence = "base median is 0"; return f }
            let relative = (mh - mb) / mb
            f.change = Format.signed(100 * relative, 1) + "%"
            let needed = CompareOptions.minimumTimingSamples
            guard b.count >= needed, h.count >= needed else {
                f.verdict = .insufficientSeeds
                f.evidence = "\(b.count)/\(h.count) timing samples; need \(needed) on each side"
                return f
            }
            let unit = b.count == pairs.count && h.count == pairs.count ? "seeds" : "epoch timings over \(pairs.count) seed pair\(pairs.count == 1 ? "" : "s")"
            f.evidence = "median of \(b.count)/\(h.count) \(unit), threshold ±\(Format.fixed(100 * options.timingThreshold, 0))%"
            f.verdict = relative > options.timingThreshold ? .regressed : relative < -options.timingThreshold ? .improved : .unchanged
            return f
        }
    }

    /// `71.20 ± 0.40`, or the one value, in points.
    static func spread(_ x: [Double]) -> String {
        guard !x.isEmpty else { return "—" }
        let mean = Format.fixed(SeedStats.mean(x), 2)
        return x.count < 2 ? mean : mean + " ± " + Format.fixed(SeedStats.variance(x).squareRoot(), 2)
    }

    static func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : Format.fixed(p, 3) }
}
