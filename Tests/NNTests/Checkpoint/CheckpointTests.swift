import Foundation
import Testing
@testable import NN
import TestSupport

/// The model that `Fixtures/make_checkpoint.py` writes weights for.
final class Small: Module {
    let fc: Linear
    let norm: BatchNorm2d
    init(rng: inout RNG, outFeatures: Int = 2) {
        fc = Linear(3, outFeatures, rng: &rng)
        norm = BatchNorm2d(2)
        super.init()
    }
}

private func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("nn-\(UUID().uuidString)-\(name)")
}

private func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
}

private func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

struct CheckpointTests {
    @Test func saveLoadRoundTripIsBitIdentical() throws {
        var rng = RNG(seed: 1)
        let a = Small(rng: &rng)
        _ = a.norm(Fixtures.randn([4, 2, 3, 3], seed: 2))          // move the running statistics
        assign(a.fc.bias!, [.pi, -Float.leastNonzeroMagnitude])    // awkward values survive too
        let url = temporaryURL("small.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.save(to: url, metadata: ["epoch": "3"])

        var other = RNG(seed: 99)
        let b = Small(rng: &other)
        let meta = try b.load(from: url)
        #expect(meta == ["epoch": "3"])
        #expect(a.stateTensors().map(\.name) == b.stateTensors().map(\.name))
        for (x, y) in zip(a.stateTensors(), b.stateTensors()) { #expect(bits(x.tensor) == bits(y.tensor), "\(x.name)") }

        // The file: 8-byte length, header padded so data starts 8-byte aligned, F32 data in sorted-name order.
        let bytes = [UInt8](try Data(contentsOf: url))
        let n = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect((8 + n) % 8 == 0)
        #expect(bytes.count == 8 + n + 4 * (6 + 2 + 2 + 2 + 2 + 2 + 1))
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"epoch\":\"3\"},\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"))
        // Saving again gives the same bytes.
        #expect(try SafeTensors.encode(b.stateTensors(), metadata: ["epoch": "3"]) == bytes)
    }

    @Test func loadsACheckpointWrittenByPython() throws {
        var rng = RNG(seed: 3)
        let model = Small(rng: &rng)
        let meta = try model.load(from: fixture("torch_style"))
        #expect(meta == ["format": "pt", "writer": "make_checkpoint.py"])
        #expect(model.fc.weight.scalars == [-1, -0.5, 0, 0.5, 1, 1.5])
        #expect(model.fc.bias!.scalars == [0.25, -0.75])
        #expect(model.norm.weight!.scalars == [1.5, 2.5])
        #expect(model.norm.bias!.scalars == [-1, 1])
        #expect(model.norm.runningMean.scalars == [0.125, -0.125])
        #expect(model.norm.runningVar.scalars == [2, 3])
        #expect(model.norm.numBatchesTracked.shape == [] && model.norm.numBatchesTracked.item() == 7)

        let f64 = try SafeTensors.read(fixture("float64"))
        #expect(f64["x"]!.shape == [2, 2])
        #expect(f64["x"]!.scalars == [1, -2.5, Float(1e-3), 3])
    }

    @Test func mismatchedCheckpointListsEveryDifference() throws {
        var rng = RNG(seed: 4)
        let model = Small(rng: &rng, outFeatures: 4)                 // fc is [4, 3] here, [2, 3] in the file
        let before = model.fc.weight.scalars
        let extra = [("fc.scale", Tensor.ones([1]))]
        let file = try SafeTensors.read(fixture("torch_style"))
        let tensors = file.tensors.filter { $0.name != "norm.running_var" } + extra
        #expect {
            try model.load(tensors, source: "torch_style.safetensors")
        } throws: { error in
            guard let e = error as? CheckpointError, case let .mismatch(_, list) = e else { return false }
            return list == [
                .shape(name: "fc.weight", model: [4, 3], checkpoint: [2, 3]),
                .shape(name: "fc.bias", model: [4], checkpoint: [2]),
                .missing(name: "norm.running_var", shape: [2]),
                .unexpected(name: "fc.scale", shape: [1]),
            ] && e.description == """
                checkpoint torch_style.safetensors does not match the model (4 differences):
                  - shape differs: fc.weight is [4, 3] in the model, [2, 3] in the checkpoint
                  - shape differs: fc.bias is [4] in the model, [2] in the checkpoint
                  - missing from the checkpoint: norm.running_var [2]
                  - not in the model: fc.scale [1]
                """
        }
        #expect(model.fc.weight.scalars == before)                   // nothing was modified

        // Not strict: missing/unexpected names are skipped and reported, matching ones load.
        let partial = Small(rng: &rng)
        let skipped = try partial.load(tensors, source: "torch_style.safetensors", strict: false)
        #expect(skipped == [.missing(name: "norm.running_var", shape: [2]), .unexpected(name: "fc.scale", shape: [1])])
        #expect(partial.fc.bias!.scalars == [0.25, -0.75] && partial.norm.runningVar.scalars == [1, 1])
        #expect(throws: CheckpointError.self) { try model.load(tensors, strict: false) }   // shapes still must agree
    }

    @Test func malformedFilesGiveReadableErrors() {
        #expect(throws: CheckpointError.malformed("file is 3 bytes, shorter than the 8-byte header length")) {
            try SafeTensors.decode([1, 2, 3])
        }
        var bytes: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0]
        bytes += Array("{}".utf8)
        #expect(throws: Never.self) { try SafeTensors.decode(bytes) }
        bytes[0] = 200
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(bytes) }
    }

    /// Training 3 steps, saving model + AdamW state, then 3 more steps gives the same parameters as loading
    /// the checkpoint into fresh objects and doing those 3 steps there.
    @Test func optimizerStateResumesTrainingExactly() throws {
        func makeData() -> (Tensor, Tensor) { (Fixtures.randn([8, 3], seed: 10), Fixtures.randn([8, 2], seed: 11)) }
        let (x, y) = makeData()
        func train(_ model: Small, _ opt: AdamW, steps: Int) throws {
            for _ in 0..<steps {
                opt.zeroGrad()
                try square(model.fc(x) - y).mean().backward()
                opt.step()
            }
        }
        var rng = RNG(seed: 12)
        let a = Small(rng: &rng)
        let optA = AdamW(groups: a.parameterGroups(weightDecay: 0.1), learningRate: 0.01)
        try train(a, optA, steps: 3)
        let modelURL = temporaryURL("m.safetensors"), optURL = temporaryURL("o.safetensors")
        defer { try? FileManager.default.removeItem(at: modelURL); try? FileManager.default.removeItem(at: optURL) }
        try a.save(to: modelURL)
        try optA.save(to: optURL)
        try train(a, optA, steps: 3)

        var other = RNG(seed: 13)
        let b = Small(rng: &other)
        let optB = AdamW(groups: b.parameterGroups(weightDecay: 0.1), learningRate: 0.5)
        try b.load(from: modelURL)
        try optB.load(from: optURL)
        #expect(optB.stepCount == 3 && optB.learningRate == 0.01)
        #expect(optB.parameterSteps == ["fc.weight": 3, "fc.bias": 3])
        try train(b, optB, steps: 3)
        for (p, q) in zip(a.parameters(), b.parameters()) { #expect(bits(p) == bits(q)) }
    }
}
