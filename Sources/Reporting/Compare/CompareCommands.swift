import Declarations
import Experiment
import Foundation
import RunStore
import Statistics

/// `ablate compare` and `ablate history`, so the executable only parses arguments.
public enum CompareCommands {
    /// `ablate compare --base REV [--head REV] [SPEC]`: the markdown summary (also written to `output` when
    /// given) and the exit code of `Comparison.exitCode`.
    /// - Throws: `CompareError` (unknown revision, no store), `SpecError` for a SPEC that neither loads nor names
    ///   a stored spec.
    public static func compare(base: String, head: String = "HEAD", spec: String? = nil, overrides: [String] = [],
                               storePath: String = ResultStore.defaultPath, options: CompareOptions = CompareOptions(),
                               output: String? = nil, resolver: CommitResolver = CommitResolver()) throws -> (text: String, exitCode: Int32) {
        guard FileManager.default.fileExists(atPath: storePath) else { throw CompareError.noStore(path: storePath) }
        let store = try ResultStore.reading(storePath)
        let stored = try store.storedCommits()
        let baseSHA = try resolver.resolve(base, stored: stored), headSHA = try resolver.resolve(head, stored: stored)
        guard baseSHA != headSHA else { throw CompareError.sameCommit(baseSHA) }
        let specName = try spec.map { try StoredSpecName.resolve($0, overrides: overrides, store: store) }
        let comparison = try RunComparer.compare(store: store, base: baseSHA, head: headSHA, spec: specName, options: options)
        let text = ComparisonReport.markdown(comparison)
        if let output {
            let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        }
        return (text, comparison.exitCode)
    }

    /// `ablate history SPEC`: the metric per commit as a markdown table.
    public static func history(spec: String, overrides: [String] = [], metric: String = Metric.mIoU.name, split: String = "test",
                               storePath: String = ResultStore.defaultPath, resolver: CommitResolver = CommitResolver()) throws -> String {
        guard FileManager.default.fileExists(atPath: storePath) else { throw CompareError.noStore(path: storePath) }
        guard Metric(rawValue: metric) != nil else { throw CompareError.unknownMetric(metric) }
        let store = try ResultStore.reading(storePath)
        let name = try StoredSpecName.resolve(spec, overrides: overrides, store: store)
        return try CommitHistory.build(store: store, spec: name, metric: metric, split: split, subject: resolver.subject).markdown()
    }
}
