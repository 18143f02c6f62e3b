import Experiment
import Foundation
import RunStore

/// Where a spec's finished runs are when none is under the commit a command reads (`--commit`, `--record-commit`,
/// or none): runs recorded with `--record-commit` carry their commit in the run key, so they only show with it.
enum CommitHints {
    /// Finished runs of `plan`'s spec (at its current config) per other commit, most runs first; `nil` stands for
    /// runs recorded without a commit.
    static func finishedElsewhere(_ plan: Plan, store: ResultStore) throws -> [(commit: String?, runs: Int)] {
        let finished = try store.runs(spec: plan.spec.name).filter { $0.status == .finished }
        let commits = Set(finished.map(\.record.commit)).filter { $0 != plan.commit }
        let keys = Set(finished.map(\.record.runKey))
        return commits.map { commit in
            (commit, Plan(plan.spec, datasetFingerprint: plan.datasetFingerprint, commit: commit).runs.filter { keys.contains($0.runKey) }.count)
        }
        .filter { $0.runs > 0 }
        .sorted { ($0.runs, $0.commit ?? "") > ($1.runs, $1.commit ?? "") }
    }

    /// "no finished runs for this spec without a commit; 9 runs are recorded under commit abc1234 — pass --commit abc1234",
    /// empty when no other commit has any.
    static func sentence(_ plan: Plan, store: ResultStore) throws -> String {
        let elsewhere = try finishedElsewhere(plan, store: store)
        guard !elsewhere.isEmpty else { return "" }
        let here = plan.commit.map { "under commit \($0.prefix(7))" } ?? "without a commit"
        let parts = elsewhere.prefix(3).map { e in
            let runs = "\(e.runs) run\(e.runs == 1 ? " is" : "s are")"
            guard let commit = e.commit else { return "\(runs) recorded without a commit — drop --commit/--record-commit" }
            return "\(runs) recorded under commit \(commit.prefix(7)) — pass --commit \(commit.prefix(7))"
        }
        let more = elsewhere.count > 3 ? "; \(elsewhere.count - 3) more commits have runs (`ablate history` lists them)" : ""
        return "no finished runs for this spec \(here); " + parts.joined(separator: "; ") + more + "."
    }
}
