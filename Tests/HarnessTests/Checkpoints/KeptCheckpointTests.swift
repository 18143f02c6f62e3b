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
/// One test trains a tiny run (16 training scenes, two epochs) and checks everything that needs trained
/// weights; the others use a freshly built model's checkpoint.
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

    /// A workspace with the tiny spec, and its run once trained.
    struct Workspace {
        let dir: TempDir
        let specPath: String
        let plan: Plan
        var storePath: String { dir.path + "/fiabench.sqlite" }
        var resultsRoot: String { dir.path + "/Results" }
        var run: PlannedRun { plan.runs[0] }
        var loader: SpecLoader { SpecLoader(workingDirectory: dir.path) }

        init() throws {
            dir = try TempDir()
            specPath = try dir.write("Ablations/keep.json", KeptCheckpointTests.specText)
            plan = Plan(try SpecLoader(workingDirectory: dir.path).load(specPath))
        }

        func train() throws {
            var runner = AblationRunner(specPath: specPath)
            runner.storePath = storePath
            runner.resultsRoot = resultsRoot
            runner.output = { _ in }
            try runner.run()
        }

        func store() throws -> ResultStore { try ResultStore(path: storePath) }
        func files() throws -> [String: RunFile] {
            Dictionary(uniqueKeysWithValues: try store().files(runKey: run.runKey).map { ($0.role, $0) })
        }
        func evaluation() throws -> CheckpointEvaluation {
            var e = CheckpointEvaluation(plan: plan, store: try store(), storePath: storePath)
            e.resultsRoot = resultsRoot
            return e
        }

        /// The run's model, freshly built (untrained) over `vocabulary` words, saved at `relative`.
        func savedModel(_ relative: String, overrides: [String] = [], vocabulary: Int = 40) throws -> (path: String, model: Segmenter) {
            let spec = try loader.load(specPath, overrides: overrides)
            let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: vocabulary, seed: 3)
            let path = dir.path + "/" + relative
            try model.save(to: URL(fileURLWithPath: path))
            return (path, model)
        }
    }

    @Test func aKeptRunReloadsExactlyEvaluatesOnOtherDataAndRefusesAChangedFile() throws {
        let w = try Workspace()
        defer { w.dir.remove() }
        try w.train()
        try keptFilesAreRecordedWithTheirHashes(w)
        try aReloadedCheckpointReproducesTheStoredMetricsExactly(w)
        try evaluateOnAnotherDatasetUsesTheRunsVocabulary(w)
        try aChangedCheckpointIsRefusedAndAnUnknownRunNamed(w)
    }

    func keptFilesAreRecordedWithTheirHashes(_ t: Workspace) throws {
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

    func aReloadedCheckpointReproducesTheStoredMetricsExactly(_ t: Workspace) throws {
        let evaluation = try t.evaluation()
        for split in ["test", "val"] {
            let result = try evaluation.evaluate(runKey: t.run.runKey, split: split)
            let stored = try t.store().metrics(runKey: t.run.runKey).filter { $0.split == split && $0.name != "selectedEpoch" }
            func key(_ m: MetricValue) -> String { "\(m.name)/\(m.tag ?? "")" }
            #expect(stored.count > 4)
            #expect(result.metrics.sorted { key($0) < key($1) } == stored.sorted { key($0) < key($1) })
            #expect(CheckpointEvaluation.render(result, dataset: "x").contains("+0.00"))
        }
    }

    func evaluateOnAnotherDatasetUsesTheRunsVocabulary(_ t: Workspace) throws {
        let loader = t.loader
        var evaluation = try t.evaluation()
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

    func aChangedCheckpointIsRefusedAndAnUnknownRunNamed(_ t: Workspace) throws {
        let evaluation = try t.evaluation()
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
        let w = try Workspace()
        defer { w.dir.remove() }
        let model = try ModelCatalog.standard.segmenter(w.run.cell.model, vocabulary: 40, seed: 0)
        let path = try KeptFiles(run: w.run, spec: w.plan.spec, resultsRoot: w.resultsRoot).weights(model, role: "selected", epoch: 2).path
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
        let w = try Workspace()
        defer { w.dir.remove() }
        let (selected, _) = try w.savedModel("source.safetensors")
        let spec = try w.loader.load(w.specPath, overrides: ["model.backbone.init=source.safetensors", #"model.alignment={"name": "fiam", "init": "\#(selected)"}"#])
        let choice = spec.cells[0].model[.backbone]
        #expect(choice.initHash == SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: selected)))))
        let keyed = Plan(spec).runs[0]
        #expect(keyed.runKey != w.run.runKey && keyed.config.contains("sha256:" + choice.initHash!))

        // Loading puts the file's backbone and alignment weights into a freshly built model, and nothing else.
        let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 1)
        let before = Dictionary(uniqueKeysWithValues: model.stateTensors().map { ($0.name, $0.tensor.scalars) })
        try RunQueue.initialiseSlots(model, config: spec.cells[0].model, workingDirectory: w.dir.path)
        let file = Dictionary(uniqueKeysWithValues: try SafeTensors.read(URL(fileURLWithPath: selected)).tensors.map { ($0.name, $0.tensor.scalars) })
        var changed = 0
        for (name, tensor) in model.stateTensors() {
            let expected = name.hasPrefix("backbone.") ? file[name] : before[name]
            #expect(tensor.scalars == expected, "\(name)")
            if tensor.scalars != before[name] { changed += 1 }
        }
        #expect(changed > 10)   // seeds 1 and 3 differ: the loaded weights are not the ones built

        // A slot-only file (the backbone's names without the "backbone." prefix) loads the same way.
        let slotOnly = SlotCheckpoint.tensors(of: try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 3), slot: .backbone)
            .map { (name: String($0.name.dropFirst("backbone.".count)), tensor: $0.tensor) }
        try SafeTensors.write(slotOnly, to: URL(fileURLWithPath: w.dir.path + "/backbone-only.safetensors"))
        let fresh = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 1)
        try SlotCheckpoint.load(URL(fileURLWithPath: w.dir.path + "/backbone-only.safetensors"), into: fresh, slot: .backbone)
        #expect(SlotCheckpoint.tensors(of: fresh, slot: .backbone).allSatisfy { $0.tensor.scalars == file[$0.name] })

        // A file changed after the spec was loaded is refused rather than silently used under the old key.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: w.dir.path + "/source.safetensors"))
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: URL(fileURLWithPath: w.dir.path + "/source.safetensors"))
        #expect {
            try RunQueue.initialiseSlots(model, config: spec.cells[0].model, workingDirectory: w.dir.path)
        } throws: { "\($0)".contains("changed since the spec was loaded") }
    }

    @Test func aMismatchingInitFileListsTheDifferences() throws {
        let w = try Workspace()
        defer { w.dir.remove() }
        // A backbone twice as wide: every backbone tensor differs in shape.
        _ = try w.savedModel("wide.safetensors", overrides: ["model.backbone.params.dims=[16,32,48,64]"])
        let spec = try w.loader.load(w.specPath, overrides: ["model.backbone.init=wide.safetensors"])
        let model = try ModelCatalog.standard.segmenter(spec.cells[0].model, vocabulary: 40, seed: 0)
        #expect {
            try RunQueue.initialiseSlots(model, config: spec.cells[0].model, workingDirectory: w.dir.path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("wide.safetensors (backbone) does not match the model")
                && text.contains("shape differs: backbone.patchEmbed.weight is [8, 3, 4, 4] in the model, [16, 3, 4, 4] in the checkpoint")
        }
    }

    @Test func aMissingOrWrongInitIsASpecError() throws {
        let w = try Workspace()
        defer { w.dir.remove() }
        func issues(_ set: String) -> String {
            do { _ = try w.loader.load(w.specPath, overrides: [set]); return "" } catch { return "\(error)" }
        }
        #expect(issues("model.backbone.init=missing.safetensors").contains("model.backbone.init: no such file \"missing.safetensors\""))
        #expect(issues("model.backbone.init=3").contains("expected the path of a .safetensors checkpoint file, found an integer (3)"))
        try w.dir.write("notes.safetensors", "not weights at all")
        #expect(issues("model.backbone.init=notes.safetensors").contains("expected a safetensors checkpoint"))
    }
}
