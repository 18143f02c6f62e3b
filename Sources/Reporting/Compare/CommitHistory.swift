import Declarations
import Experiment
import Foundation
import RunStore
import Statistics

/// One metric of a spec per commit: a row per commit (newest first by its last finished run), a column per
/// cell, `mean ± std` over the seeds in points.
public struct CommitHistory: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        /// Full SHA, `nil` for runs recorded outside a repository.
        public var commit: String?
        public var subject: String?
        /// When the commit's last run finished (rows are sorted on it, newest first).
        public var lastFinished: Date
        /// Cell name → per-seed values in points.
        public var values: [String: [Double]]
    }

    public var spec: String
    public var metric: String
    public var split: String
    /// Cell names in table order.
    public var cells: [String]
    public var rows: [Row]

    /// Builds the history of `spec` from its finished runs. When a commit ran a cell under several configs
    /// (the spec changed without a commit), the config finished last is the one shown.
    public static func build(store: ResultStore, spec: String, metric: String = Metric.mIoU.name, split: String = "test",
                             subject: (String) -> String? = { _ in nil }) throws -> CommitHistory {
        let runs = try store.runs(spec: spec).filter { $0.status == .finished }
        var cellIndex: [String: Int] = [:]
        var byCommit: [String?: [StoredRun]] = [:]
        for run in runs {
            cellIndex[run.record.cellName] = min(cellIndex[run.record.cellName] ?? .max, run.record.cellIndex)
            byCommit[run.record.commit, default: []].append(run)
        }
        var rows: [Row] = []
        for (commit, runs) in byCommit {
            var values: [String: [Double]] = [:]
            for (cell, cellRuns) in Dictionary(grouping: runs, by: \.record.cellName) {
                let latest = cellRuns.max { ($0.finishedAt ?? .distantPast) < ($1.finishedAt ?? .distantPast) }!.record.configHash
                // One value per seed: the latest finished run of that seed under the chosen config.
                var perSeed: [Int: (Date, Double)] = [:]
                for run in cellRuns where run.record.configHash == latest {
                    guard let m = try store.metrics(runKey: run.record.runKey).first(where: { $0.split == split && $0.tag == nil && $0.name == metric })
                    else { continue }
                    let at = run.finishedAt ?? .distantPast
                    if perSeed[run.record.seed].map({ $0.0 <= at }) ?? true { perSeed[run.record.seed] = (at, 100 * m.value) }
                }
                if !perSeed.isEmpty { values[cell] = perSeed.keys.sorted().map { perSeed[$0]!.1 } }
            }
            let last = runs.compactMap(\.finishedAt).max() ?? .distantPast
            rows.append(Row(commit: commit, subject: commit.flatMap(subject), lastFinished: last, values: values))
        }
        rows.sort { ($0.lastFinished, $0.commit ?? "") > ($1.lastFinished, $1.commit ?? "") }
        let cells = cellIndex.keys.sorted { (cellIndex[$0]!, $0) < (cellIndex[$1]!, $1) }
        return CommitHistory(spec: spec, metric: metric, split: split, cells: cells, rows: rows)
    }

    /// A markdown table: commit (short sha), subject, then one `mean ± std` column per cell ("—" where a
    /// commit has no value).
    public func markdown() -> String {
        var out = "# \(spec): \(metric) (\(split)) by commit\n\nNewest first; mean ± std over seeds, in points (n = seeds).\n\n"
        out += "| Commit | Subject | " + cells.map(escape).joined(separator: " | ") + " |\n"
        out += "|---|---|" + cells.map { _ in "--:|" }.joined() + "\n"
        for row in rows {
            let commit = row.commit.map { "`\($0.prefix(7))`" } ?? "—"
            let cols = cells.map { cell -> String in
                guard let v = row.values[cell], !v.isEmpty else { return "—" }
                let mean = Format.fixed(SeedStats.mean(v), 2)
                return (v.count < 2 ? mean : mean + " ± " + Format.fixed(SeedStats.variance(v).squareRoot(), 2)) + " (\(v.count))"
            }
            out += "| " + ([commit, escape(row.subject ?? "—")] + cols).joined(separator: " | ") + " |\n"
        }
        return out
    }

    private func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
