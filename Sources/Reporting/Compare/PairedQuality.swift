import Experiment
import RunStore
import Statistics

extension RunComparer {
    /// Paired Δ (head − base, percentage points) of every metric when every matched seed pair stored per-sample
    /// results on the compared split and the two commits share samples; empty otherwise (Welch decides then).
    /// The interval's level is `1 − alpha`; resamples and bootstrap seed are `PairedBootstrap`'s documented defaults.
    static func pairedDeltas(_ pairs: [(base: Measured, head: Measured)], _ options: CompareOptions) -> [Metric: PairedDelta] {
        guard !pairs.isEmpty, pairs.allSatisfy({ !$0.base.samples.isEmpty && !$0.head.samples.isEmpty }) else { return [:] }
        guard let paired = PairedSamples(baseline: pairs.map { ($0.base.seed, $0.base.samples) },
                                         variant: pairs.map { ($0.head.seed, $0.head.samples) }) else { return [:] }
        return PairedBootstrap(level: 1 - options.alpha).compare(baseline: paired.baseline, variant: paired.variant)
            .mapValues { $0.scaled(100) }
    }

    /// A quality finding decided by the paired interval: improved or regressed when the interval excludes 0 and
    /// the change is at least `minEffectPoints`; unchanged otherwise (a single seed is enough: samples are paired).
    static func pairedFinding(_ finding: Finding, _ d: PairedDelta, _ options: CompareOptions) -> Finding {
        var f = finding
        let level = Format.fixed(100 * (1 - options.alpha), 0)
        f.change = Format.signed(d.delta, 2) + " pt"
        f.evidence = "paired \(level)% CI [\(Format.signed(d.low, 2)), \(Format.signed(d.high, 2))], P(Δ>0) = "
            + "\(Format.fixed(d.pImprove, 2)), \(d.seeds) seed\(d.seeds == 1 ? "" : "s") × \(d.samples) samples"
        let significant = d.isResolved && abs(d.delta) >= options.minEffectPoints - 1e-9
        f.verdict = significant ? (d.delta > 0 ? .improved : .regressed) : .unchanged
        return f
    }
}
