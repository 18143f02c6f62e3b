import Foundation
import Testing
@testable import Declarations
@testable import Experiment
@testable import Harness
import NN
import RRSISModels
@testable import Runner
@testable import RunStore

/// What a finished run keeps (`train.keep`), `ablate evaluate` on it, and `init` from a checkpoint file.
/// One tiny run (16 training scenes, two epochs) is trained once for the whole suite.
@Suite(.serialized)
struct KeptCheckpointTests {
    /// A tiny spec keeping the selected and the last checkpoints.
    static let specText = """
    {
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 16, "val": 8, "test": 8, "seed": 0},
      "model": \(Fixtures.tinyModel),
      "train": {"epochs": 2, "batchSize": 8, "lr": 1e-3, "keep": "selected+last"},
      "seeds": [0],
      "variants": {"rows": [{"name": "FIAM"}]}
    }
    """

    /// The trained fixture: its folder, store and run.
    struct Trained {
        let dir: TempDir
        let specPath: String
        var storePath: String { dir.path + "/fiabench.sqlite" }
        var resultsRoot: String { dir.path + "/Results" }
        let plan: Plan
        var run: PlannedRun { plan.runs[0] }
        func store() throws -> ResultStore { try ResultStore(path: storePath) }
        func files() throws -> [String: RunFile] {
            Dictionary(uniqueKeysWithValues: try store().files(runKey: run.runKey).map { ($0.role, $0) })
        }
    }

    static let trained: Result<Trained, Error> = Result {
        let dir = try TempDir()
        let specPath = try dir.write("Ablations/keep.json", specText)
        var runner = AblationRunner(specPath: specPath)
        runner.storePath = dir.path + "/fiabench.sqlite"
        runner.resultsRoot = dir.path + "/Results"
        runner.output = { _ in }
        try runner.run()
        return Trained(dir: dir, specPath: specPath, plan: Plan(try SpecLoader(workingDirectory: dir.path).load(specPath)))
    }

    @Test func aFinishedRunKeepsItsCheckpointsConfigAndMetricsWithTheirHashes() throws {
        let t = try Self.trained.get()
        let files = try t.files()
        #expect(Set(files.keys) == ["selected", "last", "config", "metrics"])
        let folder = t.resultsRoot + "/keep/runs/" + t.run.runKey
        for (role, file) in files {
            let data = try #require(FileManager.default.contents(atPath: file.path), "\(role)")
            #expect(file.path.hasPrefix(folder + "/"))
            #expect(file.sha256 == SHA256.hex([UInt8](data)) && file.bytes == data.count)
        }
        // The selected checkpoint holds the model's every parameter and buffer under its dotted name.
        let selected = try SafeTensors.read(URL(fileURLWithPath: files["selected"]!.path))
        let model = try ModelCatalog.standard.segmenter(t.run.cell.model, vocabulary: 40, seed: 0)
        #expect(Set(selected.tensors.map(\.name)) == Set(model.stateTensors().map(\.name)))
        #expect(selected.metadata["run_key"] == t.run.runKey && selected.metadata["config"] == t.run.config)
        // The metrics file holds the stored values; the config file the run's config.
        let metrics = try JSONParser.parse(String(contentsOfFile: files["metrics"]!.path, encoding: .utf8))
        let stored = try t.store().metrics(runKey: t.run.runKey)
        guard case .array(let items)? = metrics["metrics"] else { Issue.record("no metrics list"); return }
        #expect(items.count == stored.count)
        for (item, m) in zip(items, stored) {
            #expect(item["name"] == .string(m.name) && item["split"] == .string(m.split) && item["value"] == .double(m.value))
        }
        let config = try JSONParser.parse(String(contentsOfFile: files["config"]!.path, encoding: .utf8))
        #expect(config["config"].map { CanonicalJSON.render($0) } == t.run.config)
        #expect(config["run_key"] == .string(t.run.runKey))
    }

    @Test func aReloadedCheckpointReproducesTheStoredMetricsExactly() throws {
        let t = try Self.trained.get()
        var evaluation = CheckpointEvaluation(plan: t.plan, store: try t.store(), storePath: t.storePath)
        evaluation.resultsRoot = t.resultsRoot
        for split in ["test", "val"] {
            let result = try evaluation.evaluate(runKey: t.run.runKey, split: split)
            let stored = try t.store().metrics(runKey: t.run.runKey).filter { $0.split == split && $0.name != "selectedEpoch" }
            func key(_ m: MetricValue) -> String { "\(m.name)/\(m.tag ?? "")" }
            #expect(stored.count > 4)
            #expect(result.metrics.sorted { key($0) < key($1) } == stored.sorted { key($0) < key($1) })
            #expect(CheckpointEvaluation.render(result, dataset: "x").contains("+0.00"))
        }
    }

    @Test func evaluateOnAnotherDatasetUsesTheRunsVocabulary() throws {
        let t = try Self.trained.get()
        let loader = SpecLoader(workingDirectory: t.dir.path)
        var evaluation = CheckpointEvaluation(plan: t.plan, store: try t.store(), storePath: t.storePath)
        evaluation.resultsRoot = t.resultsRoot
        let stored = try t.store().metrics(runKey: t.run.runKey).filter { $0.split == "test" && $0.tag == nil && $0.name != "selectedEpoch" }
        // The same section given as "another" dataset reproduces the stored values: the path is sound.
        evaluation.otherData = try loader.load(t.specPath, overrides: try CheckpointEvaluation.datasetOverrides(#"{"seed": 0}"#))
        let same = try evaluation.evaluate(runKey: t.run.runKey, split: "test")
        #expect(same.stored == nil)
        #expect(same.metrics.filter { $0.tag == nil } == stored)
        // Other scenes: other values, over the requested test size.
        evaluation.otherData = try loader.load(t.specPath, overrides: try CheckpointEvaluation.datasetOverrides(#"{"seed": 7, "test": 16}"#))
        let other = try evaluation.evaluate(runKey: t.run.runKey, split: "test")
        #expect(other.metrics.filter { $0.tag == nil } != stored)
        #expect(throws: EvaluationError.self) { try CheckpointEvaluation.datasetOverrides("no/such/folder") }
    }

    @Test func aChangedCheckpointIsRefusedAndAnUnknownRunNamed() throws {
        let t = try Self.trained.get()
        let evaluation = CheckpointEvaluation(plan: t.plan, store: try t.store(), storePath: t.storePath)
        let path = try t.files()["selected"]!.path
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        defer { try? original.write(to: URL(fileURLWithPath: path)) }
        var changed = original
        changed[changed.count - 1] ^= 0xFF
        try changed.write(to: URL(fileURLWithPath: path))
        #expect {
            try evaluation.evaluate(runKey: t.run.runKey, split: "test")
        } throws: { "\($0)".contains("changed since the run wrote it") }
        #expect {
            try evaluation.evaluate(runKey: "0123456789abcdef", split: "test")
        } throws: { "\($0)".contains("no run 0123456789abcdef") }
    }

    @Test(.enabled(if: Python.has("safetensors.numpy"), "needs python3 with safetensors and numpy (.ci/setup installs them)"))
    func pythonsSafetensorsReadsAKeptCheckpoint() throws {
        let t = try Self.trained.get()
        let path = try t.files()["selected"]!.path
        let file = try SafeTensors.read(URL(fileURLWithPath: path))
        let probe = ["backbone.patchEmbed.weight", "text.embedding.weight", "decoder.classifier.weight"]
            .compactMap { name in file.tensors.first { $0.name == name } }
        let script = """
        import sys, json
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1])
        print(json.dumps({k: {"shape": list(v.shape), "dtype": str(v.dtype), "first": [float(x) for x in v.reshape(-1)[:3]]} for k, v in t.items()}))
        """
        let (status, output) = Python.run(["-c", script, path])
        #expect(status == 0, "\(output)")
        let json = try JSONParser.parse(output)
        #expect(json.objectPairs?.count == file.tensors.count)
        for (name, tensor) in file.tensors {
            #expect(json[name]?["shape"] == .array(tensor.shape.map { .int($0) }), "\(name)")
            #expect(json[name]?["dtype"] == .string("float32"))
        }
        for (name, tensor) in probe {
            let first = tensor.scalars.prefix(3).map { JSONValue.double(Double($0)) }
            #expect(json[name]?["first"] == .array(first), "\(name)")
        }
    }

    @Test func aSlotStartsFromACheckpointFileWhoseHashIsInTheRunKey() throws {
        let t = try Self.trained.get()
        let selected = try t.files()["selected"]!.path
        let loader = SpecLoader(workingDirectory: t.dir.path)
        let spec = try loader.load(t.specPath, overrides: [#"model.backbone.init="\#(selected)""#, #"model.alignment={"name": "fiam", "init": "\#(selected)"}"#])
        let choice = spec.cells[0].model[.backbone]
        #expect(try choice.initHash == t.files()["selected"]!.sha256)
        let keyed = Plan(spec).runs[0]
        #expect(keyed.runKey != t.run.runKey && keyed.config.contains("sha256:" + choice.initHash!))

        // Loading puts the file's backbone and alignment weights into a freshly built model, and nothing else.
        let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 1)
        let before = Dictionary(uniqueKeysWithValues: model.stateTensors().map { ($0.name, $0.tensor.scalars) })
        try RunQueue.initialiseSlots(model, config: spec.cells[0].model, workingDirectory: t.dir.path)
        let file = Dictionary(uniqueKeysWithValues: try SafeTensors.read(URL(fileURLWithPath: selected)).tensors.map { ($0.name, $0.tensor.scalars) })
        for (name, tensor) in model.stateTensors() {
            let expected = name.hasPrefix("backbone.") ? file[name] : before[name]
            #expect(tensor.scalars == expected, "\(name)")
        }

        // A file changed after the spec was loaded is refused rather than silently used under the old key.
        let copy = try t.dir.write("init/copy.safetensors", "")
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: selected, toPath: copy)
        let copied = try loader.load(t.specPath, overrides: ["model.backbone.init=init/copy.safetensors"])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy)); bytes[bytes.count - 1] ^= 1
        try bytes.write(to: URL(fileURLWithPath: copy))
        #expect {
            try RunQueue.initialiseSlots(model, config: copied.cells[0].model, workingDirectory: t.dir.path)
        } throws: { "\($0)".contains("changed since the spec was loaded") }
    }

    @Test func aMismatchingInitFileListsTheDifferences() throws {
        let t = try Self.trained.get()
        // A backbone twice as wide: every backbone tensor differs in shape.
        let wide = try SpecLoader(workingDirectory: t.dir.path).load(t.specPath, overrides: ["model.backbone.params.dims=[16,32,48,64]"])
        let other = try ModelCatalog.standard.segmenter(wide.cells[0].model, vocabulary: 40, seed: 0)
        let path = t.dir.path + "/wide.safetensors"
        try other.save(to: URL(fileURLWithPath: path))
        let spec = try SpecLoader(workingDirectory: t.dir.path).load(t.specPath, overrides: ["model.backbone.init=wide.safetensors"])
        let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 0)
        #expect {
            try RunQueue.initialiseSlots(model, config: spec.cells[0].model, workingDirectory: t.dir.path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("wide.safetensors (backbone) does not match the model")
                && text.contains("shape differs: backbone.patchEmbed.weight is [8, 3, 4, 4] in the model, [16, 3, 4, 4] in the checkpoint")
        }
    }

    @Test func aMissingOrWrongInitIsASpecError() throws {
        let t = try Self.trained.get()
        let loader = SpecLoader(workingDirectory: t.dir.path)
        func issues(_ set: String) -> String {
            do { _ = try loader.load(t.specPath, overrides: [set]); return "" } catch { return "\(error)" }
        }
        #expect(issues("model.backbone.init=missing.safetensors").contains("model.backbone.init: no such file \"missing.safetensors\""))
        #expect(issues("model.backbone.init=3").contains("expected the path of a .safetensors checkpoint file, found an integer (3)"))
        try t.dir.write("notes.safetensors", "not weights at all")
        #expect(issues("model.backbone.init=notes.safetensors").contains("expected a safetensors checkpoint"))
    }
}
