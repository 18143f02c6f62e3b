import Declarations
import Experiment
import RunStore
import Statistics

/// Builds the per-tag breakdown table (`breakdown.md`): one row per variant, one column per sample tag
/// (`scale=small`, `positionNeeded=true`, `category=ship`, …), each cell the primary metric over the
/// samples with that tag, mean ± sample std over seeds, and for variants the paired Δ vs the baseline with
/// its bootstrap interval (when per-sample results are stored). This is where FIAM's spatial branch should show
/// (samples that need the position phrase).
public enum BreakdownBuilder {
    /// `nil` when no finished run of the plan stored any tagged metric.
    public static func build(_ plan: Plan, store: ResultStore) throws -> ReportTable? {
        let options = plan.spec.report
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var counts: [String: Int] = [:]
        var rows: [ReportRow] = []
        for cell in plan.spec.cells {
            var perTag: [String: [(seed: Int, value: Double)]] = [:]
            var finished: [Int] = []
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                finished.append(run.seed)
                for m in try store.metrics(runKey: run.runKey) where m.split == options.split {
                    guard let tag = m.tag else { continue }
                    if m.name == options.primary.name { perTag[tag, default: []].append((run.seed, 100 * m.value)) }
                    if m.name == "samples", counts[tag] == nil { counts[tag] = Int(m.value) }
                }
            }
            rows.append(ReportRow(name: cell.name, isBaseline: cell.name == plan.spec.baseline, finishedSeeds: finished,
                                  plannedSeeds: plan.spec.seeds, cells: perTag.mapValues { SeedStatistics(values: $0) }))
        }
        let tags = Set(rows.flatMap(\.cells.keys)).sorted(by: tagOrder)
        guard !tags.isEmpty else { return nil }
        // Paired Δ of the primary metric over each tag's samples, from per-sample results when stored.
        let samples = try PairedDeltas.samplesByCell(plan, store: store, split: options.split, statuses: statuses)
        if let baseSamples = samples[plan.spec.baseline] {
            for i in rows.indices where !rows[i].isBaseline {
                for tag in tags {
                    let d = PairedDeltas.percentPoints(baseline: baseSamples, variant: samples[rows[i].name] ?? [], tag: tag,
                                                       metrics: [options.primary])
                    if let d = d[options.primary] { rows[i].intervals[tag] = d }
                }
            }
        }
        let paired = rows.contains { !$0.intervals.isEmpty }
        let columns = tags.map { tag in
            ReportColumn(id: tag, title: counts[tag].map { "\(tag) (n=\($0))" } ?? tag, polarity: .higherIsBetter, decimals: options.decimals)
        }
        return ReportTable(
            specName: plan.spec.name, title: "\(plan.spec.name): \(options.primary.name) by sample tag",
            notes: "\(options.primary.name) in percent over the \(options.split) samples carrying each tag (n = samples per tag), "
                + "mean ± sample std over seeds; best mean per column in bold."
                + (paired ? " In parentheses: Δ vs the baseline in points over the same samples, with its \(PairedDeltas.method)." : ""),
            description: nil, split: options.split, checkpoint: plan.spec.train.checkpoint.rawValue, primary: options.primary,
            columns: columns, rows: rows, seeds: plan.spec.seeds)
    }

    /// Tags sort by name, then value; scale buckets in size order and booleans false before true.
    static func tagOrder(_ a: String, _ b: String) -> Bool {
        func key(_ tag: String) -> (String, Int, String) {
            let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts.first ?? tag, value = parts.count > 1 ? parts[1] : ""
            let rank = ["small": 0, "medium": 1, "large": 2, "false": 0, "true": 1][value] ?? 9
            return (name, rank, value)
        }
        return key(a) < key(b)
    }
}
