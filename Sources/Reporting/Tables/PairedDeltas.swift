import Declarations
import Experiment
import RunStore
import Statistics

/// Paired Δ-vs-baseline intervals for a plan's report, from the per-sample results in the store
/// (`sample_results`). Every interval is `PairedBootstrap()` with its documented defaults (2,000
/// resamples, seed 20261201), so a report built twice from the same store is identical.
public enum PairedDeltas {
    /// Per-sample results of every finished run of each cell on `split`, keyed by cell name, in seed order.
    /// Runs without per-sample rows (stored before schema v4) contribute none.
    public static func samplesByCell(_ plan: Plan, store: ResultStore, split: String,
                              statuses: [String: RunStatus]) throws -> [String: [(seed: Int, samples: [SampleResult])]] {
        var out: [String: [(seed: Int, samples: [SampleResult])]] = [:]
        for cell in plan.spec.cells {
            var runs: [(seed: Int, samples: [SampleResult])] = []
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                let samples = try store.samples(runKey: run.runKey, split: split)
                if !samples.isEmpty { runs.append((run.seed, samples)) }
            }
            out[cell.name] = runs
        }
        return out
    }

    /// Δ of every metric of `variant` vs `baseline` in percentage points, over the samples with `tag`
    /// (all samples when nil); empty when the two share no seed or sample.
    public static func percentPoints(baseline: [(seed: Int, samples: [SampleResult])], variant: [(seed: Int, samples: [SampleResult])],
                                     tag: String? = nil, metrics: [Metric] = Metric.allCases,
                                     bootstrap: PairedBootstrap = PairedBootstrap()) -> [Metric: PairedDelta] {
        guard var paired = PairedSamples(baseline: baseline, variant: variant) else { return [:] }
        if let tag {
            guard let restricted = paired.restricted(toTag: tag) else { return [:] }
            paired = restricted
        }
        return bootstrap.compare(baseline: paired.baseline, variant: paired.variant, metrics: metrics).mapValues { $0.scaled(100) }
    }

    /// A Δ cell: `+1.23 [+0.40, +2.10]`, with `~` when the interval includes 0 (not resolved).
    public static func text(_ d: PairedDelta, decimals: Int) -> String {
        Format.signed(d.delta, decimals) + " [" + Format.signed(d.low, decimals) + ", " + Format.signed(d.high, decimals) + "]"
            + (d.isResolved ? "" : "~")
    }

    /// What the intervals are, for table notes.
    public static let method = "95% paired two-level bootstrap CI (\(PairedBootstrap.defaultResamples) resamples of seeds paired "
        + "by index, then of samples paired by id; bootstrap seed \(PairedBootstrap.defaultSeed)); ~ marks an interval that "
        + "includes 0 (not resolved)"
}
