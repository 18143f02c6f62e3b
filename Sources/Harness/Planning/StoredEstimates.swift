import Cluster
import Experiment
import Figures
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// Estimates from runs already in the store: a cell with a finished run (any seed) is estimated by its
/// measured MACs (`total` cost row) and its mean wall-clock duration (start to finish). Needs no model,
/// so `ablate plan` can show figures for partially done specs; model-based estimates take precedence.
public enum StoredEstimates {
    /// Cell index → estimate, for the cells of `plan` with at least one finished run.
    public static func collect(_ plan: Plan, store: ResultStore) throws -> [Int: Estimate] {
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var finishedRuns: [Int: [PlannedRun]] = [:]   // by cell index: one pass, not one filter of every run per cell
        for run in plan.runs where statuses[run.runKey] == .finished { finishedRuns[run.cell.index, default: []].append(run) }
        var out: [Int: Estimate] = [:]
        for cell in plan.spec.cells {
            var macs: Int?
            var durations: [Double] = []
            for run in finishedRuns[cell.index] ?? [] {
                if macs == nil { macs = try store.costs(runKey: run.runKey).first { $0.component == CostRecord.total }?.macs }
                if let stored = try store.run(run.runKey), let end = stored.finishedAt {
                    durations.append(end.timeIntervalSince(stored.record.startedAt))
                }
            }
            guard macs != nil || !durations.isEmpty else { continue }
            out[cell.index] = Estimate(macs: macs, seconds: durations.isEmpty ? nil : durations.reduce(0, +) / Double(durations.count))
        }
        return out
    }

    /// `primary`'s estimate where it has one, else the stored one, field by field.
    public static func combine(_ primary: @escaping (Cell) -> Estimate?, stored: [Int: Estimate]) -> (Cell) -> Estimate? {
        { cell in
            let p = primary(cell), s = stored[cell.index]
            if p == nil && s == nil { return nil }
            return Estimate(macs: p?.macs ?? s?.macs, seconds: p?.seconds ?? s?.seconds)
        }
    }
}
