import Cluster
import Declarations
import Experiment
import Figures
import Foundation
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// The resolution a spec can expect before it trains: the half-width of the paired 95% interval of a
/// variant's Δ in the primary metric, from a two-level variance model of the paired bootstrap,
///
///     halfWidth(k seeds, n samples) = 1.96 · √(σ²_seed / k + σ²_sample / n)   (percentage points)
///
/// where σ_seed is the spread over seeds of a variant's paired Δ (its per-seed value over all samples), and
/// σ_sample the spread over samples of the per-sample Δ averaged over seeds. Both are measured on the
/// finished runs of the plan (every variant against the baseline, pooled as the mean of the variances);
/// without them the documented defaults stand in. The smallest Δ the interval resolves is the half-width.
public struct PlannedResolution: Equatable, Sendable {
    /// Spread over seeds of a paired Δ, and over samples of a per-sample Δ, percentage points.
    public var seedSD: Double
    public var sampleSD: Double
    /// Evaluated samples per run (the report split).
    public var samples: Int
    /// Where the spreads come from: `"measured on 6 finished runs"`, or the defaults.
    public var source: String

    /// Defaults before any run finished: a paired Δ that moves 1.5 points between seeds (two rows that each
    /// move about 1 point, as the default ablation's do), and per-sample Δs of 20 points (IoU of one sample
    /// changes a lot between two models even when their means agree).
    public static let defaultSeedSD = 1.5
    public static let defaultSampleSD = 20.0
    /// The most seeds `seedsToResolve` considers.
    public static let maxSeeds = 100

    /// Half-width of the 95% interval with `seeds` seeds, points.
    public func halfWidth(seeds: Int) -> Double {
        1.96 * (seedSD * seedSD / Double(max(seeds, 1)) + sampleSD * sampleSD / Double(max(samples, 1))).squareRoot()
    }

    /// Fewest seeds whose interval resolves a Δ of `points` (half-width below it), nil when even `maxSeeds`
    /// do not (the test set's sampling noise alone is too large: more test samples are needed).
    public func seedsToResolve(_ points: Double) -> Int? {
        (1...Self.maxSeeds).first { halfWidth(seeds: $0) < points }
    }

    /// Spreads measured from a plan's finished runs with per-sample results; nil when no variant shares at
    /// least two seeds with the baseline.
    public static func measured(_ plan: Plan, store: ResultStore) throws -> PlannedResolution? {
        let split = plan.spec.report.split, metric = plan.spec.report.primary
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        let samples = try PairedDeltas.samplesByCell(plan, store: store, split: split, statuses: statuses)
        guard let base = samples[plan.spec.baseline] else { return nil }
        var seedVariances: [Double] = [], sampleVariances: [Double] = [], sizes: [Int] = []
        for cell in plan.spec.cells where cell.name != plan.spec.baseline {
            guard let paired = PairedSamples(baseline: base, variant: samples[cell.name] ?? []), paired.seeds.count >= 2 else { continue }
            let spreads = spreads(paired.baseline, paired.variant, metric: metric)
            seedVariances.append(spreads.seed * spreads.seed)
            sampleVariances.append(spreads.sample * spreads.sample)
            sizes.append(paired.sampleIDs.count)
        }
        guard !seedVariances.isEmpty else { return nil }
        let runs = statuses.values.filter { $0 == .finished }.count
        return PlannedResolution(seedSD: (seedVariances.reduce(0, +) / Double(seedVariances.count)).squareRoot(),
                                 sampleSD: (sampleVariances.reduce(0, +) / Double(sampleVariances.count)).squareRoot(),
                                 samples: sizes.min()!, source: "spreads measured on \(runs) finished runs of this spec")
    }

    /// The two spreads of one variant against the baseline, points: sample std over seeds of the per-seed Δ
    /// of `metric`, and sample std over samples of the per-sample IoU Δ averaged over seeds (for oIoU the
    /// per-sample term is the same IoU spread, an approximation).
    static func spreads(_ base: SampleMatrix, _ variant: SampleMatrix, metric: Metric) -> (seed: Double, sample: Double) {
        let perSeed = (0..<base.seeds).map { 100 * (variant.value(metric, seed: $0) - base.value(metric, seed: $0)) }
        let perSample = (0..<base.samples).map { j -> Double in
            (0..<base.seeds).map { s -> Double in
                let k = s * base.samples + j
                func iou(_ m: SampleMatrix) -> Double { m.union[k] == 0 ? 0 : Double(m.intersection[k]) / Double(m.union[k]) }
                return 100 * (iou(variant) - iou(base))
            }.reduce(0, +) / Double(base.seeds)
        }
        return (SeedStats.variance(perSeed).squareRoot(), base.samples >= 2 ? SeedStats.variance(perSample).squareRoot() : 0)
    }

    /// The default spreads for `samples` evaluated samples.
    public static func defaults(samples: Int) -> PlannedResolution {
        PlannedResolution(seedSD: defaultSeedSD, sampleSD: defaultSampleSD, samples: samples,
                          source: "default spreads (no finished runs with per-sample results yet): \(Format.fixed(defaultSeedSD, 1)) "
                              + "points over seeds, \(Format.fixed(defaultSampleSD, 0)) points over samples")
    }

    /// The lines `ablate plan` prints.
    public func render(plannedSeeds: Int, metric: Metric) -> String {
        let needed = seedsToResolve(1.0)
        var out = "resolution: the paired 95% interval of a Δ \(metric.name) with \(plannedSeeds) seed\(plannedSeeds == 1 ? "" : "s") × "
            + "\(samples) samples resolves differences of ±\(Format.fixed(halfWidth(seeds: plannedSeeds), 2)) points; "
        out += needed.map { "1 point needs \($0) seed\($0 == 1 ? "" : "s")" }
            ?? "no number of seeds up to \(Self.maxSeeds) resolves 1 point (the test samples' noise alone is "
               + "±\(Format.fixed(1.96 * sampleSD / Double(max(samples, 1)).squareRoot(), 2)) points: evaluate on more samples)"
        return out + ".\n  (\(source); σ_seed \(Format.fixed(seedSD, 2)), σ_sample \(Format.fixed(sampleSD, 2)) points.)\n"
    }
}
