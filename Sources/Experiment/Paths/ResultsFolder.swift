import Foundation
import RRSISModels

/// Where a spec's outputs go: `<results root>/<spec>/` for its tables and figures, and
/// `<results root>/.cache/` for generated data shared by every spec.
public enum ResultsFolder {
    /// The results root when none is given (`--results`).
    public static let defaultRoot = "Results"

    /// The results folder of `specName` under `resultsRoot`.
    public static func folder(for specName: String, resultsRoot: String = defaultRoot) -> String {
        resultsRoot + "/" + specName
    }

    /// The cache of generated datasets under `resultsRoot`.
    public static func cache(resultsRoot: String) -> URL {
        URL(fileURLWithPath: resultsRoot).appendingPathComponent(".cache")
    }
}
