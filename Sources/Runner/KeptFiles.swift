import Declarations
import Experiment
import Foundation
import NN
import RRSISModels
import RunStore

/// What a finished run keeps under `<results>/<spec>/runs/<run key>/` (`train.keep`):
///
/// - `selected.safetensors`: the tested weights (`train.checkpoint`), PyTorch-style dotted names
///   (`backbone.stages.1.align.…`), metadata `run_key`, `spec`, `cell`, `seed`, `epoch`, `config`;
/// - `last.safetensors` with `"keep": "selected+last"`: the last epoch's weights;
/// - `config.json`: `{"cell", "config" (dataset + model + train, as in run keys), "run_key", "seed", "spec"}`;
/// - `metrics.json`: `{"metrics": [{"split", "name", "tag", "value"}…], "run_key"}`, the values stored.
///
/// The store records each file's path and SHA-256 (`run_files`), so `ablate evaluate` can tell a kept file
/// from one changed since.
public struct KeptFiles {
    public let folder: URL
    let run: PlannedRun
    let spec: AblationSpec

    /// The folder of `run`'s files under `resultsRoot`.
    public static func folder(spec: String, runKey: String, resultsRoot: String) -> URL {
        URL(fileURLWithPath: ResultsFolder.folder(for: spec, resultsRoot: resultsRoot)).appendingPathComponent("runs/\(runKey)")
    }

    init(run: PlannedRun, spec: AblationSpec, resultsRoot: String) {
        self.run = run; self.spec = spec
        folder = Self.folder(spec: spec.name, runKey: run.runKey, resultsRoot: resultsRoot)
    }

    /// Writes `model`'s weights as `<role>.safetensors` (`role`: `selected` or `last`).
    func weights(_ model: Segmenter, role: String, epoch: Int) throws -> RunFile {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("\(role).safetensors")
        try model.save(to: url, metadata: ["run_key": run.runKey, "spec": spec.name, "cell": run.cell.name, "seed": String(run.seed),
                                           "epoch": String(epoch), "role": role, "config": run.config])
        return try record(url, role: role)
    }

    /// Writes `config.json` and `metrics.json`.
    func summaries(metrics: [MetricValue]) throws -> [RunFile] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = JSONValue.object([("cell", .string(run.cell.name)), ("config", (try? JSONParser.parse(run.config)) ?? .string(run.config)),
                                       ("run_key", .string(run.runKey)), ("seed", .int(run.seed)), ("spec", .string(spec.name))])
        let values = JSONValue.array(metrics.map { m in
            .object([("split", .string(m.split)), ("name", .string(m.name)), ("tag", m.tag.map(JSONValue.string) ?? .null), ("value", .double(m.value))])
        })
        let metricsJSON = JSONValue.object([("metrics", values), ("run_key", .string(run.runKey))])
        return try [("config", config), ("metrics", metricsJSON)].map { role, json in
            let url = folder.appendingPathComponent("\(role).json")
            try Data((CanonicalJSON.render(json, sortKeys: false) + "\n").utf8).write(to: url, options: .atomic)
            return try record(url, role: role)
        }
    }

    private func record(_ url: URL, role: String) throws -> RunFile {
        let data = try Data(contentsOf: url)
        return RunFile(role: role, path: url.path, sha256: SHA256.hex([UInt8](data)), bytes: data.count)
    }
}
