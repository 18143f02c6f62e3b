import Declarations
import Experiment
import Foundation
import RunStore
import Statistics

/// `ablate compare` and `ablate history`, so the executable only parses arguments.
public enum CompareCommands {
    /// Splits whose whole-split metrics runs record (`--split`).
    public static let metricSplits = ["val", "test"]

    /// `ablate compare --base REV [--head REV] [SPEC]`: the markdown summary (also written to `output` when
    /// given) and the exit code of `Comparison.exitCode`.
    /// - Throws: `CompareError` (unknown revision or split, no store), `SpecError` for a SPEC that neither loads nor
    ///   names a stored spec.
    public static func compare(base: String, head: String = "HEAD", spec: String? = nil, overrides: [String] = [],
                               storePath: String = ResultStore.defaultPath, options: CompareOptions = CompareOptions(),
                               output: String? = nil, resolver: CommitResolver = CommitResolver()) throws -> (text: String, exitCode: Int32) {
        let comparison = try comparison(base: base, head: head, spec: spec, overrides: overrides, storePath: storePath,
                                        options: options, resolver: resolver)
        let text = ComparisonReport.markdown(comparison)
        if let output { try save(text, to: output) }
        return (text, comparison.exitCode)
    }

    /// Writes the markdown summary to `output` (`--output`), making its folder.
    public static func save(_ text: String, to output: String) throws {
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: output, atomically: true, encoding: .utf8)
    }

    /// The comparison `compare` renders.
    public static func comparison(base: String, head: String = "HEAD", spec: String? = nil, overrides: [String] = [],
                                  storePath: String = ResultStore.defaultPath, options: CompareOptions = CompareOptions(),
                                  resolver: CommitResolver = CommitResolver()) throws -> Comparison {
        guard FileManager.default.fileExists(atPath: storePath) else { throw CompareError.noStore(path: storePath) }
        try checkSplit(options.split)
        let store = try ResultStore.reading(storePath)
        let stored = try store.storedCommits()
        let baseSHA = try resolver.resolve(base, stored: stored), headSHA = try resolver.resolve(head, stored: stored)
        guard baseSHA != headSHA else { throw CompareError.sameCommit(baseSHA) }
        let specName = try spec.map { try StoredSpecName.resolve($0, overrides: overrides, store: store) }
        return try RunComparer.compare(store: store, base: baseSHA, head: headSHA, spec: specName, options: options)
    }

    /// `ablate history SPEC`: the metric per commit as a markdown table, or a sentence saying how to record runs
    /// per commit when the store has none of the spec's runs with a commit.
    public static func history(spec: String, overrides: [String] = [], metric: String = Metric.mIoU.name, split: String = "test",
                               storePath: String = ResultStore.defaultPath, resolver: CommitResolver = CommitResolver()) throws -> String {
        let h = try historyTable(spec: spec, overrides: overrides, metric: metric, split: split, storePath: storePath, resolver: resolver)
        guard h.rows.contains(where: { $0.commit != nil }) else {
            let without = h.rows.first { $0.commit == nil }.map { $0.values.values.map(\.count).reduce(0, +) } ?? 0
            return "No finished run of \(h.spec) was recorded with a commit"
                + (without > 0 ? " (\(without) finished run\(without == 1 ? " has" : "s have") no commit)" : "")
                + ", so there is no history to show. Record runs per commit with `ablate run \(spec) --record-commit` "
                + "on each commit you want in the history.\n"
        }
        return h.markdown()
    }

    /// The history `history` renders (every row, also runs without a commit).
    /// - Throws: `CompareError` for no store, an unknown metric or split.
    public static func historyTable(spec: String, overrides: [String] = [], metric: String = Metric.mIoU.name, split: String = "test",
                                    storePath: String = ResultStore.defaultPath, resolver: CommitResolver = CommitResolver()) throws -> CommitHistory {
        guard FileManager.default.fileExists(atPath: storePath) else { throw CompareError.noStore(path: storePath) }
        guard Metric(rawValue: metric) != nil else { throw CompareError.unknownMetric(metric) }
        try checkSplit(split)
        let store = try ResultStore.reading(storePath)
        let name = try StoredSpecName.resolve(spec, overrides: overrides, store: store)
        return try CommitHistory.build(store: store, spec: name, metric: metric, split: split, subject: resolver.subject)
    }

    static func checkSplit(_ split: String) throws {
        guard metricSplits.contains(split) else { throw CompareError.unknownSplit(split, valid: metricSplits) }
    }
}
