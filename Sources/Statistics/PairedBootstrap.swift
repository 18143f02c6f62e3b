import Experiment

/// The paired difference of one metric between a variant and the baseline, in the caller's units
/// (`PairedBootstrap` works in fractions; reports scale to percentage points).
public struct PairedDelta: Equatable, Sendable {
    /// Observed difference of seed means, variant − baseline.
    public var delta: Double
    /// Percentile bootstrap confidence interval of `delta` (95% by default).
    public var low: Double
    public var high: Double
    /// Share of bootstrap resamples where the variant beats the baseline (ties, |Δ*| ≤ 1e-12, count one half):
    /// P(variant > baseline).
    public var pImprove: Double
    /// Seeds and samples the comparison paired.
    public var seeds: Int
    public var samples: Int

    /// The interval excludes 0: the only case a table calls the difference resolved.
    public var isResolved: Bool { low > 0 || high < 0 }

    /// Half the interval's width (the resolution of the comparison).
    public var halfWidth: Double { (high - low) / 2 }

    /// The same delta with every value (not `pImprove`) multiplied by `factor` (100 → percentage points).
    public func scaled(_ factor: Double) -> PairedDelta {
        PairedDelta(delta: delta * factor, low: low * factor, high: high * factor, pImprove: pImprove, seeds: seeds, samples: samples)
    }
}

/// Paired two-level bootstrap of a variant's difference from the baseline (rliable-style percentile
/// intervals; Bouthillier et al. 2021 on seed and test-set variance). Each of `resamples` replicates:
///
/// 1. draws `seeds` seed indices with replacement — the same indices for both sides (seeds are paired:
///    seed 3 of the variant against seed 3 of the baseline);
/// 2. draws `samples` test-sample indices with replacement — one draw shared by every drawn seed and both
///    sides (every run is evaluated on the same test set, so its sampling is one common draw);
/// 3. computes each metric exactly as defined on each drawn seed's resampled samples (oIoU = ΣI / ΣU of
///    the resample, mIoU = mean IoU, Pr@t = share with IoU ≥ t), averages over the drawn seeds, and takes
///    variant − baseline.
///
/// The interval is the 2.5th and 97.5th percentile of the replicates (linear interpolation between order
/// statistics, numpy's default). Random numbers come from `BootstrapRNG(seed:)`, drawn seeds first, then
/// samples, per replicate, so the same inputs give the same interval bit for bit.
public struct PairedBootstrap: Sendable {
    /// The documented defaults every table uses: 2,000 resamples, seed 20261201.
    public static let defaultResamples = 2_000
    public static let defaultSeed: UInt64 = 20_261_201

    public var resamples: Int
    public var seed: UInt64
    /// Coverage of the interval (0.95 → 2.5th … 97.5th percentile).
    public var level: Double

    public init(resamples: Int = PairedBootstrap.defaultResamples, seed: UInt64 = PairedBootstrap.defaultSeed, level: Double = 0.95) {
        precondition(resamples >= 2 && level > 0 && level < 1, "PairedBootstrap needs ≥ 2 resamples and a level in (0, 1)")
        self.resamples = resamples; self.seed = seed; self.level = level
    }

    /// Paired deltas (fractions) of every metric in `metrics`, variant − baseline.
    /// - Precondition: both matrices have the same shape (same shared seeds and samples, in the same order).
    public func compare(baseline: SampleMatrix, variant: SampleMatrix, metrics: [Metric] = Metric.allCases) -> [Metric: PairedDelta] {
        precondition(baseline.seeds == variant.seeds && baseline.samples == variant.samples,
                     "PairedBootstrap: baseline is \(baseline.seeds) × \(baseline.samples), variant \(variant.seeds) × \(variant.samples)")
        let k = baseline.seeds, n = baseline.samples
        let sides = [Cells(baseline), Cells(variant)]
        var replicates = [[Double]](repeating: [Double](repeating: 0, count: resamples), count: metrics.count)
        var rng = BootstrapRNG(seed: seed)
        var seedCount = [Int](repeating: 0, count: k), weight = [Int](repeating: 0, count: n)
        for r in 0..<resamples {
            for s in seedCount.indices { seedCount[s] = 0 }
            for j in weight.indices { weight[j] = 0 }
            for _ in 0..<k { seedCount[rng.index(below: k)] += 1 }
            for _ in 0..<n { weight[rng.index(below: n)] += 1 }
            var means = [[Double]](repeating: [Double](repeating: 0, count: metrics.count), count: 2)
            for (side, cells) in sides.enumerated() {
                for s in 0..<k where seedCount[s] > 0 {
                    let values = cells.metrics(seed: s, weights: weight, metrics: metrics)
                    for m in metrics.indices { means[side][m] += Double(seedCount[s]) * values[m] }
                }
            }
            for m in metrics.indices { replicates[m][r] = (means[1][m] - means[0][m]) / Double(k) }
        }
        var out: [Metric: PairedDelta] = [:]
        for (m, metric) in metrics.enumerated() {
            let sorted = replicates[m].sorted()
            let better = sorted.reduce(0.0) { $0 + ($1 > Self.tie ? 1 : $1 >= -Self.tie ? 0.5 : 0) }
            out[metric] = PairedDelta(delta: variant.meanValue(metric) - baseline.meanValue(metric),
                                      low: Self.quantile(sorted, (1 - level) / 2), high: Self.quantile(sorted, (1 + level) / 2),
                                      pImprove: better / Double(resamples), seeds: k, samples: n)
        }
        return out
    }

    /// Replicates within this of 0 are ties for P(improve): equal metrics can differ by rounding (a sum
    /// of fractions in another order), far below any resolvable difference.
    static let tie = 1e-12

    /// The `q`-quantile of ascending `sorted` values, linearly interpolated (numpy's default "linear" method).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// One side's per-sample values, precomputed once: I, U, IoU and how many Pr@ thresholds each IoU reaches.
    struct Cells {
        let samples: Int
        let intersection: [Double], union: [Double], iou: [Double]
        /// Number of `Metric.precisions` thresholds the sample's IoU reaches (0…5; they are ascending).
        let reached: [Int]

        init(_ m: SampleMatrix) {
            samples = m.samples
            intersection = m.intersection.map(Double.init)
            union = m.union.map(Double.init)
            iou = zip(m.intersection, m.union).map { $1 == 0 ? 0 : Double($0) / Double($1) }
            reached = iou.map { v in Metric.precisions.filter { v >= $0.threshold! }.count }
        }

        /// Metrics of seed `s` over the samples weighted by their resample multiplicity (weights sum to `samples`).
        func metrics(seed s: Int, weights: [Int], metrics: [Metric]) -> [Double] {
            var i = 0.0, u = 0.0, iouSum = 0.0
            var byReached = [Double](repeating: 0, count: Metric.precisions.count + 1)
            let base = s * samples
            intersection.withUnsafeBufferPointer { I in
                union.withUnsafeBufferPointer { U in
                    iou.withUnsafeBufferPointer { V in
                        reached.withUnsafeBufferPointer { R in
                            weights.withUnsafeBufferPointer { W in
                                for j in 0..<samples where W[j] > 0 {
                                    let w = Double(W[j])
                                    i += w * I[base + j]
                                    u += w * U[base + j]
                                    iouSum += w * V[base + j]
                                    byReached[R[base + j]] += w
                                }
                            }
                        }
                    }
                }
            }
            let n = Double(samples)
            return metrics.map { metric in
                switch metric {
                case .oIoU: return u == 0 ? 0 : i / u
                case .mIoU: return iouSum / n
                default:
                    // Samples reaching threshold t are those that reach t or any higher one.
                    let t = Metric.precisions.firstIndex(of: metric)!
                    return byReached[(t + 1)...].reduce(0, +) / n
                }
            }
        }
    }
}
