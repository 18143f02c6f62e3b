import Foundation
import Experiment
import RunStore

/// The second table of `costs.md`: the pretrained artifacts a plan's finished runs started from, each once,
/// with what making it cost (its time is paid once, by the first run that needed it, and is in no run's
/// fine-tuning time) and how many of the runs load it.
public enum PretrainingSummary {
    /// One artifact and the finished runs of the plan that start from it.
    public struct Entry: Equatable, Sendable {
        public var record: PretrainingRecord
        public var runs: Int
    }

    /// The artifacts of the plan's finished runs, in order of first use (runs in plan order, slots by name).
    public static func entries(_ plan: Plan, store: ResultStore) throws -> [Entry] {
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var entries: [Entry] = []
        for run in plan.runs where statuses[run.runKey] == .finished {
            for record in try store.pretraining(runKey: run.runKey) {
                if let i = entries.firstIndex(where: { $0.record.artifact == record.artifact }) { entries[i].runs += 1 }
                else { entries.append(Entry(record: record, runs: 1)) }
            }
        }
        return entries
    }

    /// The markdown section, or nil when no finished run started from a pretrained artifact.
    public static func markdown(_ entries: [Entry]) -> String? {
        guard !entries.isEmpty else { return nil }
        func number(_ x: Double?, _ digits: Int) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "—" }
        var out = "## Pretraining (once per configuration)\n\n"
            + "| Slot | Artifact | Pretraining (min) | Threads | Final loss | Final accuracy (%) | Runs starting from it |\n"
            + "|:---|:---|---:|---:|---:|---:|---:|\n"
        for e in entries {
            let r = e.record
            out += "| \(r.slot) | `\(r.artifact)` | \(number(r.seconds.map { $0 / 60 }, 1)) | \(r.threads.map(String.init) ?? "—") | "
                + "\(number(r.finalLoss, 4)) | \(number(r.finalAccuracy.map { 100 * $0 }, 2)) | \(e.runs) |\n"
        }
        out += "\nEach artifact is made once, by the first run that needs it, under `Results/.cache/pretrained/`, and loaded by "
            + "every run listed; its time is in no run's fine-tuning time. Final accuracy: pixel accuracy of the backbone's "
            + "semantic segmentation, masked-word accuracy of the text encoder, at the last pretraining epoch. Recipes:\n\n"
        for e in entries { out += "- `\(e.record.artifact)`: `\(e.record.recipe)`\n" }
        return out
    }
}
