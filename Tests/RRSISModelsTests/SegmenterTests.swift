import Testing
import NN
@testable import RRSISModels
import TestSupport

struct SegmenterShapeTests {
    @Test("every alignment × scale composition gives [B, 2, H, W] at two input sizes", arguments: ModelFixtures.variants)
    func shapes(_ v: ModelFixtures.Variant) throws {
        for size in [64, 128] {
            let model = ModelFixtures.model(v)
            let (images, text) = ModelFixtures.inputs(batch: size > 64 ? 1 : 2, size: size)
            let logits = try model(images, text).validated()
            #expect(logits.shape == [size > 64 ? 1 : 2, 2, size, size])
            #expect(logits.scalars.allSatisfy { $0.isFinite })
        }
    }

    @Test func resnetBackboneComposesToo() throws {
        let model = ModelFixtures.model(.init(alignment: .fiam, scale: .tmem), resnet: true)
        let (images, text) = ModelFixtures.inputs(batch: 2, size: 64)
        #expect(try model(images, text).validated().shape == [2, 2, 64, 64])
    }
}

struct SegmenterMaskTests {
    func output(_ v: ModelFixtures.Variant, positionShift: Bool = false, objectShift: Bool = false) -> [Float] {
        let model = ModelFixtures.model(v)
        model.eval()
        let (images, text) = ModelFixtures.inputs(positionShift: positionShift, objectShift: objectShift)
        return withNoGrad { model(images, text) }.scalars
    }

    @Test func withoutTheSpatialBranchThePositionMaskIsIgnored() {
        let v = ModelFixtures.Variant(alignment: .fiamNoSpatial, scale: .tmem)
        #expect(output(v) == output(v, positionShift: true))
        #expect(output(v) != output(v, objectShift: true))
    }

    @Test func withTheSpatialBranchThePositionMaskMatters() {
        let v = ModelFixtures.Variant(alignment: .fiam, scale: .none)
        #expect(output(v) != output(v, positionShift: true))
    }

    @Test func coarseIgnoresObjectAndPositionMasks() {
        let v = ModelFixtures.Variant(alignment: .coarse, scale: .fpn)
        let reference = output(v)
        #expect(reference == output(v, positionShift: true))
        #expect(reference == output(v, objectShift: true))
    }
}

struct SegmenterGradientTests {
    /// Parameters that only update the last stage's visual tokens: the published design never lets them
    /// reach the prediction (the decoder gets the ungated `r`), so their gradient is exactly zero.
    static func deadAtLastStage(_ name: String) -> Bool {
        let prefix = "backbone.stages.3.align."
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.dropFirst(prefix.count)
        return ["gate.", "objectSILA.", "objectGate.", "spatial.", "channelGate."].contains { rest.hasPrefix($0) }
    }

    @Test("every parameter gets a gradient except the last stage's x-only branches", arguments: ModelFixtures.variants)
    func gradients(_ v: ModelFixtures.Variant) throws {
        let model = ModelFixtures.model(v)
        let (images, text) = ModelFixtures.inputs(batch: 2, size: 64)
        var rng = RNG(seed: 3)
        let target = Tensor(shape: [2, 1, 64, 64], data: (0..<8192).map { _ in rng.uniform() < 0.3 ? 1 : 0 })
        try Segmenter.loss(model(images, text), target).backward()
        var dead: [String] = []
        for (name, p) in model.namedParameters() {
            let nonZero = p.grad?.scalars.contains { $0 != 0 } ?? false
            if Self.deadAtLastStage(name) {
                #expect(!nonZero, "\(name) should get no gradient (last stage, x-only branch)")
                dead.append(name)
            } else {
                #expect(nonZero, "\(name) got no gradient")
            }
        }
        // The dead set is exactly the gate (coarse), plus the object/spatial/channel branches (fiam).
        #expect(dead.contains { $0.hasPrefix("backbone.stages.3.align.gate.") })
        #expect(dead.contains { $0.contains(".spatial.") } == (v.alignment == .fiam))
    }
}
