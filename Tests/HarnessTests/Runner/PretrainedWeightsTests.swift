import Declarations
import Experiment
import Foundation
import Testing
import NN
import TensorEngine
@testable import Runner
import RRSISModels
import RRSISData

struct PretrainedWeightsTests {
    /// A Swin choice small enough to pretrain in a test (32-pixel scenes).
    static func choice(pretrain: String = "segmentation", scenes: Int = 16) throws -> ComponentChoice {
        let json = #"{"name": "swin", "params": {"dims": [8, 8, 16, 16], "depths": [1, 1, 1, 1], "heads": [1, 1, 1, 1], "window": 2, "#
            + #""pretrain": "\#(pretrain)", "pretrainScenes": \#(scenes), "pretrainEpochs": 1}}"#
        let (choice, issues) = Registry.standard.resolve(.backbone, try JSONParser.parse(json), at: "model.backbone")
        #expect(issues.isEmpty, "\(issues)")
        return try #require(choice)
    }

    /// Whether two name → tensor lists hold the same names with bit-identical values (in any order).
    static func same(_ a: [(name: String, tensor: Tensor)], _ b: [(name: String, tensor: Tensor)]) -> Bool {
        let values = Dictionary(b.map { ($0.name, $0.tensor.scalars) }, uniquingKeysWith: { x, _ in x })
        return a.count == b.count && a.allSatisfy { values[$0.name] == $0.tensor.scalars }
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fia-pretrained-\(UUID().uuidString)")
    }

    @Test("pretrain: none loads nothing and makes no artifact")
    func noneIsScratch() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice(pretrain: "none")
        let backbone = try ModelCatalog.standard.plainBackbone(choice, seed: 4)
        let before = backbone.stateTensors().map(\.tensor.scalars)
        #expect(try PretrainedWeights(cacheRoot: root, output: { _ in }).initialise(backbone, choice: choice, imageSize: 32) == nil)
        #expect(backbone.stateTensors().map(\.tensor.scalars) == before)
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }

    @Test("a component that declares no pretrain parameter is simply not pretrained")
    func undeclaredMeansScratch() throws {
        let plain = ComponentChoice(slot: .backbone, name: "swin", params: ComponentParams(["window": .int(2)], owner: "backbone swin"))
        #expect(try PretrainedArtifacts.backboneRecipe(for: plain, imageSize: 32) == nil)
        let text = ComponentChoice(slot: .text, name: "transformer", params: ComponentParams(["dim": .int(16)], owner: "text transformer"))
        #expect(try PretrainedArtifacts.textRecipe(for: text) == nil)
        #expect(try PretrainedArtifacts.backboneRecipe(for: try Self.choice(), imageSize: 32) != nil)
    }

    @Test("the artifact is made once, keyed by recipe and backbone, and what loads is what was pretrained")
    func madeOnceAndReused() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        var lines: [String] = []
        let store = PretrainedWeights(cacheRoot: root, output: { lines.append($0) })
        let first = try ModelCatalog.standard.plainBackbone(choice, seed: 1)
        let url = try #require(try store.initialise(first, choice: choice, imageSize: 32))
        #expect(lines.contains { $0.hasPrefix("pretraining the swin backbone: 16 synthetic scenes × 1 epochs") })
        let file = try SafeTensors.read(url)
        #expect(file.metadata["recipe"]?.contains("scenes=16;epochs=1;size=32") == true)
        #expect(Self.same(BackbonePretraining.transferable(first), file.tensors))

        lines.removeAll()
        let second = try ModelCatalog.standard.plainBackbone(choice, seed: 2)
        #expect(try store.initialise(second, choice: choice, imageSize: 32) == url)
        #expect(lines.isEmpty)
        #expect(Self.same(BackbonePretraining.transferable(second), file.tensors))
        #expect(!Self.same(BackbonePretraining.transferable(try ModelCatalog.standard.plainBackbone(choice, seed: 2)), file.tensors))

        // Another image size or another scene count is another artifact.
        let other = try #require(try PretrainedArtifacts.backboneRecipe(for: try Self.choice(scenes: 24), imageSize: 32))
        #expect(store.backboneURL(other, try Self.choice(scenes: 24)) != url)
        let bigger = try #require(try PretrainedArtifacts.backboneRecipe(for: choice, imageSize: 64))
        #expect(store.backboneURL(bigger, choice) != url)
    }

    @Test("two processes asking at once: one pretrains, the other waits for its file")
    func concurrentRequestsPretrainOnce() async throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        let counter = Counter()
        try await withThrowingTaskGroup(of: URL.self) { group in
            for seed in [1, 2] {
                group.addTask {
                    let store = PretrainedWeights(cacheRoot: root, output: { if $0.hasPrefix("pretraining the") { counter.add() } })
                    return try #require(try store.initialise(try ModelCatalog.standard.plainBackbone(choice, seed: UInt64(seed)), choice: choice, imageSize: 32))
                }
            }
            let urls = try await group.reduce(into: Set<URL>()) { $0.insert($1) }
            #expect(urls.count == 1)
        }
        #expect(counter.value == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pretrained").path)
        #expect(leftovers.count == 1 && leftovers[0].hasSuffix(".safetensors"), "\(leftovers)")
    }

    @Test("a lock naming a process of this host that no longer exists is taken over at once")
    func deadOwner() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        let store = PretrainedWeights(cacheRoot: root, output: { _ in })
        let recipe = try #require(try PretrainedArtifacts.backboneRecipe(for: choice, imageSize: 32))
        let lock = store.backboneURL(recipe, choice).appendingPathExtension("lock")
        try FileManager.default.createDirectory(at: lock.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A live owner (this process) is not stale; a PID past the kernel's limit cannot exist.
        try Data("\(PretrainedWeights.hostName) \(getpid())\n".utf8).write(to: lock)
        #expect(!PretrainedWeights.ownerIsGone(lock))
        try Data("other-host 999999999\n".utf8).write(to: lock)
        #expect(!PretrainedWeights.ownerIsGone(lock))
        try Data("\(PretrainedWeights.hostName) 999999999\n".utf8).write(to: lock)
        #expect(PretrainedWeights.ownerIsGone(lock))
        try store.initialise(try ModelCatalog.standard.plainBackbone(choice, seed: 1), choice: choice, imageSize: 32)
        #expect(FileManager.default.fileExists(atPath: store.backboneURL(recipe, choice).path))
    }

    @Test("a stale lock (a dead process's) is taken over")
    func staleLock() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        var store = PretrainedWeights(cacheRoot: root, output: { _ in })
        let recipe = try #require(try PretrainedArtifacts.backboneRecipe(for: choice, imageSize: 32))
        let lock = store.backboneURL(recipe, choice).appendingPathExtension("lock")
        try FileManager.default.createDirectory(at: lock.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("12345\n".utf8).write(to: lock)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -100)], ofItemAtPath: lock.path)
        store.staleLockSeconds = 50
        try store.initialise(try ModelCatalog.standard.plainBackbone(choice, seed: 1), choice: choice, imageSize: 32)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
        #expect(FileManager.default.fileExists(atPath: store.backboneURL(recipe, choice).path))
    }
}

struct PretrainedTextTests {
    static func choice(pretrain: String = "mlm") throws -> ComponentChoice {
        let json = #"{"name": "transformer", "params": {"dim": 16, "layers": 1, "heads": 2, "maxLength": 12, "#
            + #""pretrain": "\#(pretrain)", "pretrainSentences": 64, "pretrainEpochs": 2}}"#
        let (choice, issues) = Registry.standard.resolve(.text, try JSONParser.parse(json), at: "model.text")
        #expect(issues.isEmpty, "\(issues)")
        return try #require(choice)
    }

    @Test("the text artifact is made once; a run's words take their pretrained rows, unknown words keep theirs")
    func madeOnceAndMappedByWord() throws {
        let root = PretrainedWeightsTests.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        var lines: [String] = []
        let store = PretrainedWeights(cacheRoot: root, output: { lines.append($0) })
        // A run's vocabulary: two words of the synthetic grammar and one the pretraining corpus never uses.
        let vocabulary = Vocabulary(building: ["the vehicle on the left", "zebra"], reserved: [])
        let encoder = try #require(try ModelCatalog.standard.plainText(choice, vocabulary: vocabulary.count, seed: 5) as? TextEncoder)
        let zebra = Int(vocabulary.id("zebra")), d = encoder.dim
        let before = encoder.embedding.weight.scalars
        let url = try #require(try store.initialise(encoder, choice: choice, vocabulary: vocabulary))
        let announced: String = lines.first ?? ""
        #expect(announced.hasPrefix("pretraining the transformer text encoder: masked words of 64 synthetic expressions × 2 epochs"))

        let file = try SafeTensors.read(url)
        let tokenText: String = try #require(file.metadata["tokens"])
        let tokens: [String] = try JSONDecoder().decode([String].self, from: Data(tokenText.utf8))
        let tableTensor: Tensor = try #require(file["embedding.weight"])
        let table: [Float] = tableTensor.scalars
        let after: [Float] = encoder.embedding.weight.scalars
        for word in ["vehicle", "left", "the"] {
            let i = Int(vocabulary.id(word))
            let j: Int = try #require(tokens.firstIndex(of: word))
            let mine: [Float] = Array(after[(i * d)..<((i + 1) * d)]), theirs: [Float] = Array(table[(j * d)..<((j + 1) * d)])
            #expect(mine == theirs, "\(word)")
        }
        #expect(!tokens.contains("zebra"))
        let zebraAfter: [Float] = Array(after[(zebra * d)..<((zebra + 1) * d)]), zebraBefore: [Float] = Array(before[(zebra * d)..<((zebra + 1) * d)])
        #expect(zebraAfter == zebraBefore)
        let norm: Tensor = try #require(file["layers.0.norm1.weight"])
        #expect(norm.scalars == encoder.layers[0].norm1.weight?.scalars)

        lines.removeAll()
        let again = try #require(try ModelCatalog.standard.plainText(choice, vocabulary: vocabulary.count, seed: 6) as? TextEncoder)
        #expect(try store.initialise(again, choice: choice, vocabulary: vocabulary) == url)
        #expect(lines.isEmpty)
        #expect(again.embedding.weight.scalars.count == after.count)
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

struct PretrainedInitTests {
    /// A slot that names an `init` file takes that file's weights, so it is neither pretrained nor loaded (nor
    /// recorded as starting from an artifact); the other slot is pretrained as asked.
    @Test func aSlotWithAnInitFileIsNotPretrained() throws {
        let root = PretrainedWeightsTests.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try SpecLoader().load(EndToEndTests.repository + "/Ablations/smoke.json")
        var config = spec.cells[0].model
        config.choices[.backbone]?.initFile = "weights.safetensors"
        let data = try RunData(spec, maxLength: spec.textLength, cacheRoot: nil)
        let model = try ModelCatalog.standard.segmenter(config, vocabulary: data.train.vocabulary.count, seed: 0)
        let used = try PretrainedWeights(cacheRoot: root, output: { _ in }).initialise(model, config: config, data: data)
        #expect(used.map(\.slot) == ["text"])
        let made = try FileManager.default.contentsOfDirectory(atPath: root.path + "/pretrained")
        #expect(made.filter { $0.hasSuffix(".safetensors") }.allSatisfy { $0.hasPrefix("text-") } && made.contains { $0.hasPrefix("text-") }, "\(made)")
    }
}
