import Foundation
import Testing
import NN
import TensorEngine
@testable import Harness
import RRSISModels

struct PretrainedBackbonesTests {
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
        let backbone = try ModelBuilders.plainBackbone(choice, seed: 4)
        let before = backbone.stateTensors().map(\.tensor.scalars)
        #expect(try PretrainedBackbones(cacheRoot: root, output: { _ in }).initialise(backbone, choice: choice, imageSize: 32) == nil)
        #expect(backbone.stateTensors().map(\.tensor.scalars) == before)
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }

    @Test("the artifact is made once, keyed by recipe and backbone, and what loads is what was pretrained")
    func madeOnceAndReused() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        var lines: [String] = []
        let store = PretrainedBackbones(cacheRoot: root, output: { lines.append($0) })
        let first = try ModelBuilders.plainBackbone(choice, seed: 1)
        let url = try #require(try store.initialise(first, choice: choice, imageSize: 32))
        #expect(lines.contains { $0.hasPrefix("pretraining the swin backbone: 16 synthetic scenes × 1 epochs") })
        let file = try SafeTensors.read(url)
        #expect(file.metadata["recipe"]?.contains("scenes=16;epochs=1;size=32") == true)
        #expect(Self.same(BackbonePretraining.transferable(first), file.tensors))

        lines.removeAll()
        let second = try ModelBuilders.plainBackbone(choice, seed: 2)
        #expect(try store.initialise(second, choice: choice, imageSize: 32) == url)
        #expect(lines.isEmpty)
        #expect(Self.same(BackbonePretraining.transferable(second), file.tensors))
        #expect(!Self.same(BackbonePretraining.transferable(try ModelBuilders.plainBackbone(choice, seed: 2)), file.tensors))

        // Another image size or another scene count is another artifact.
        let other = try #require(try PretrainedBackbones.recipe(for: try Self.choice(scenes: 24), imageSize: 32))
        #expect(store.artifactURL(other, try Self.choice(scenes: 24)) != url)
        let bigger = try #require(try PretrainedBackbones.recipe(for: choice, imageSize: 64))
        #expect(store.artifactURL(bigger, choice) != url)
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
                    let store = PretrainedBackbones(cacheRoot: root, output: { if $0.hasPrefix("pretraining the") { counter.add() } })
                    return try #require(try store.initialise(try ModelBuilders.plainBackbone(choice, seed: UInt64(seed)), choice: choice, imageSize: 32))
                }
            }
            let urls = try await group.reduce(into: Set<URL>()) { $0.insert($1) }
            #expect(urls.count == 1)
        }
        #expect(counter.value == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pretrained").path)
        #expect(leftovers.count == 1 && leftovers[0].hasSuffix(".safetensors"), "\(leftovers)")
    }

    @Test("a stale lock (a dead process's) is taken over")
    func staleLock() throws {
        let root = Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let choice = try Self.choice()
        var store = PretrainedBackbones(cacheRoot: root, output: { _ in })
        let recipe = try #require(try PretrainedBackbones.recipe(for: choice, imageSize: 32))
        let lock = store.artifactURL(recipe, choice).appendingPathExtension("lock")
        try FileManager.default.createDirectory(at: lock.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("12345\n".utf8).write(to: lock)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -100)], ofItemAtPath: lock.path)
        store.staleLockSeconds = 50
        _ = try store.artifact(recipe, choice)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
