import Cluster
import Declarations
import Experiment
import Figures
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// Renders `ablate plan`: one line per run with its cell, seed, run key, store status and estimate.
public struct PlanRenderer {
    /// Estimates a cell's cost; returns `nil` (printed "—") until the model layer provides one.
    public var estimate: (Cell) -> Estimate?

    public init(estimate: @escaping (Cell) -> Estimate? = { _ in nil }) { self.estimate = estimate }

    /// - Parameter statuses: run key → status found in the store (absent: not started).
    public func render(_ plan: Plan, statuses: [String: RunStatus]) -> String {
        let spec = plan.spec
        var out = "\(spec.name) (\(spec.file)): \(spec.cells.count) variant\(spec.cells.count == 1 ? "" : "s") × "
            + "\(spec.seeds.count) seed\(spec.seeds.count == 1 ? "" : "s") = \(plan.runs.count) runs; baseline \"\(spec.baseline)\"\n"
        out += "dataset \(spec.dataset.kind.rawValue) \(spec.dataset.params.json.jsonText), fingerprint \(plan.datasetFingerprint.prefix(12))\n"
        out += "train \(spec.train.params.json.jsonText)\n\n"
        var rows: [[String]] = [["variant", "seed", "run key", "status", "GMACs", "est. time"]]
        var estimates: [Int: Estimate?] = [:]
        var done = 0
        for run in plan.runs {
            let e = estimates[run.cell.index] ?? estimate(run.cell)
            estimates[run.cell.index] = e
            let status = statuses[run.runKey]
            if status == .finished { done += 1 }
            let statusText: String = status?.rawValue ?? "to do"
            var gmacs = "—", time = "—"
            if let macs = e?.macs { gmacs = Format.fixed(Double(macs) / 1e9, 3) }
            if let seconds = e?.seconds { time = Format.duration(seconds) }
            rows.append([run.cell.name, String(run.seed), run.runKey, statusText, gmacs, time])
        }
        out += TextTable.render(rows, rightAligned: [1, 4, 5])
        let remaining = plan.runs.filter { statuses[$0.runKey] != .finished }
        let secs = remaining.map { estimates[$0.cell.index].flatMap { $0?.seconds } }
        let total = secs.contains(where: { $0 == nil }) ? "unknown (no estimate yet)" : Format.duration(secs.compactMap { $0 }.reduce(0, +))
        out += "\n\(done) of \(plan.runs.count) runs already done; \(remaining.count) to run; estimated time: \(total).\n"
        out += "\nvariants:\n"
        var rendered: [ComponentChoice: String] = [:]   // a grid repeats each choice in many cells: render it once
        for cell in spec.cells {
            let marker = cell.name == spec.baseline ? " (baseline)" : ""
            let parts = ComponentSlot.allCases.map { slot -> String in
                let choice = cell.model[slot]
                if let text = rendered[choice] { return text }
                let text = "\(slot.rawValue)=\(choice.name)\(choice.params.values.isEmpty ? "" : choice.params.json.jsonText)"
                rendered[choice] = text
                return text
            }
            out += "  \(cell.name)\(marker): \(parts.joined(separator: " "))\n"
        }
        return out
    }
}
