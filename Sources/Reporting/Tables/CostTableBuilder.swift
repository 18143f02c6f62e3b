import Declarations
import Experiment
import RunStore
import Statistics

/// Builds the per-component cost table (`costs.md`): one row per variant; parameters (M) and GMACs of each
/// component the runner measured (`backbone`, `text`, `alignment`, `scale`, `decoder` in data-flow order,
/// then any others), then peak memory (MB) and the fine-tuning time of a run (its training steps, from the run's
/// curve; a pretrained encoder's one-time cost is `PretrainingSummary`'s). Means over the finished seeds;
/// parameters and MACs do not vary by seed.
public enum CostTableBuilder {
    /// `nil` when no finished run of the plan stored per-component costs.
    public static func build(_ plan: Plan, store: ResultStore) throws -> ReportTable? {
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var components: [String] = []
        var rows: [ReportRow] = []
        for cell in plan.spec.cells {
            var values: [String: [(seed: Int, value: Double)]] = [:]
            var finished: [Int] = []
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                finished.append(run.seed)
                // A curve's `seconds` are cumulative training seconds at the end of each epoch.
                if let seconds = try store.curves(runKey: run.runKey).compactMap(\.seconds).max() {
                    values["finetune", default: []].append((run.seed, seconds / 60))
                }
                for cost in try store.costs(runKey: run.runKey) {
                    if cost.component == CostRecord.total {
                        if let bytes = cost.peakMemoryBytes { values["memory", default: []].append((run.seed, Double(bytes) / 1e6)) }
                        continue
                    }
                    if !components.contains(cost.component) { components.append(cost.component) }
                    if let p = cost.params { values["params:" + cost.component, default: []].append((run.seed, Double(p) / 1e6)) }
                    if let m = cost.macs { values["gmacs:" + cost.component, default: []].append((run.seed, Double(m) / 1e9)) }
                }
            }
            rows.append(ReportRow(name: cell.name, isBaseline: cell.name == plan.spec.baseline, finishedSeeds: finished,
                                  plannedSeeds: plan.spec.seeds, cells: values.mapValues { SeedStatistics(values: $0) }))
        }
        guard !components.isEmpty else { return nil }
        // Slots in data-flow order first (backbone, text, alignment, scale, decoder), then any others by name.
        let slotOrder = ComponentSlot.allCases.map(\.rawValue)
        components.sort { a, b in
            (slotOrder.firstIndex(of: a) ?? slotOrder.count, a) < (slotOrder.firstIndex(of: b) ?? slotOrder.count, b)
        }
        var columns: [ReportColumn] = []
        for c in components {
            columns.append(ReportColumn(id: "params:" + c, title: "\(c) params (M)", polarity: .lowerIsBetter, decimals: 3, showsSpread: false))
            columns.append(ReportColumn(id: "gmacs:" + c, title: "\(c) GMACs", polarity: .lowerIsBetter, decimals: 3, showsSpread: false))
        }
        columns.append(ReportColumn(id: "memory", title: "Peak memory (MB)", polarity: .lowerIsBetter, decimals: 0))
        columns.append(ReportColumn(id: "finetune", title: "Fine-tuning (min/run)", polarity: .lowerIsBetter, decimals: 1,
                                    bestNeedsEvidence: true))
        return ReportTable(
            specName: plan.spec.name, title: "\(plan.spec.name): cost per component",
            notes: "Parameters in millions and GMACs of one forward pass at batch 1 and the evaluation resolution "
                + "(a fused multiply-add counts 1; FLOPs = 2 × MACs), per component; peak tensor memory during training; "
                + "fine-tuning: a run's training time, the sum of its epochs' steps (validation, evaluation and the one-time "
                + "pretraining of its encoders not included); mean ± sample std over seeds; lowest value per column in bold "
                + "(a fine-tuning time only when it beats every other row beyond 2 standard errors of seed noise).",
            description: nil, split: plan.spec.report.split, checkpoint: plan.spec.train.checkpoint.rawValue,
            primary: plan.spec.report.primary, columns: columns, rows: rows, seeds: plan.spec.seeds)
    }
}
