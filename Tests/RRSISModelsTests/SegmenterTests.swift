import Testing
import NN
import Declarations
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
        let model = ModelFixtures.model(ModelFixtures.variant("fiam", scale: "tmem"), resnet: true)
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
        let v = ModelFixtures.variant("fiam", [("spatial", .bool(false))], scale: "tmem")
        #expect(output(v) == output(v, positionShift: true))
        #expect(output(v) != output(v, objectShift: true))
    }

    @Test func withTheSpatialBranchThePositionMaskMatters() {
        let v = ModelFixtures.variant("fiam", scale: "none")
        #expect(output(v) != output(v, positionShift: true))
    }

    @Test func coarseIgnoresObjectAndPositionMasks() {
        let v = ModelFixtures.variant("coarse", scale: "fpn")
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
        // Seed 3: FIAM squeezes its channel gate to C/8, one or two hidden units at the fixture's widths, and at
        // most seeds FIAM without its spatial branch starts with such a gate off for the whole batch (a dead ReLU
        // zeroes a gradient legitimately; this test would flag it). Seed 3 has every gate alive.
        let model = ModelFixtures.model(v, seed: 3)
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
        // The paper's modules keep the quirk: the gate (coarse), plus the object/spatial/channel branches (fiam).
        if ["coarse", "fiam"].contains(v.alignment.name) { #expect(dead.contains { $0.hasPrefix("backbone.stages.3.align.gate.") }) }
        if v.alignment.name == "fiam" { #expect(dead.contains { $0.contains(".spatial.") } == (try v.alignment.params.bool("spatial"))) }
    }
}

/// The training loss is the official one (`loss/loss.py`): 0.9 × weighted cross-entropy + 0.1 × the Dice
/// loss of both classes summed over images and classes, smooth 1e-6.
struct SegmenterLossTests {
    @Test func lossIsTheOfficialCombination() {
        let logits = Fixtures.randn([3, 2, 4, 4], seed: 9)
        let mask = Tensor(shape: [3, 1, 4, 4], data: (0..<48).map { Float($0 % 3 == 0 ? 1 : 0) })
        let ce = twoClassCrossEntropy(logits, mask, classWeights: [0.9, 1.1]).item()
        let dice = classDiceSumLoss(logits, mask, smooth: 1e-6).item()
        #expect(abs(Segmenter.loss(logits, mask).item() - (0.9 * ce + 0.1 * dice)) < 1e-5)
        // Summed, not averaged: with three images the Dice term is well above 1 at random logits.
        #expect(dice > 1.5)
    }
}

/// Structural facts of the official code that our model must match (`lib/backbone.py`).
struct OfficialStructureTests {
    /// Each stage output goes through its own LayerNorm (`norm{i}`); FIAM's channel gate squeezes to C/8 and
    /// its spatial branch's 3×3 conv has no bias.
    @Test func stageNormsChannelGateAndSpatialConv() {
        let model = ModelFixtures.model(ModelFixtures.variant("fiam", scale: "none"))
        let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.shape) })
        for (i, c) in ModelFixtures.dims.enumerated() {
            #expect(shapes["backbone.outputNorms.\(i).weight"] == [c])
            #expect(shapes["backbone.outputNorms.\(i).bias"] == [c])
        }
        var rng = RNG(seed: 5)
        for c in [16, 32, 64] {
            let fiam = FIAM(channels: c, textDim: 8, rng: &rng)
            let own = Dictionary(uniqueKeysWithValues: fiam.namedParameters().map { ($0.name, $0.tensor.shape) })
            #expect(own["channelGate.reduce.weight"] == [c / 8, c])
            #expect(own["channelGate.expand.weight"] == [c, c / 8])
            #expect(own["spatial.conv.weight"] == [1, 2, 3, 3])
            #expect(own["spatial.conv.bias"] == nil)
        }
    }

    /// An empty word mask (an expression with no category word, under the official grammar) makes SILA
    /// gather nothing: keys and values are masked out and the output's instance norm of a constant is zero.
    @Test func emptyMaskGivesAZeroBranch() throws {
        var rng = RNG(seed: 1)
        let sila = SILA(visual: 8, text: 6, rng: &rng)
        let x = Fixtures.randn([2, 8, 4, 4], seed: 2), words = Fixtures.randn([2, 5, 6], seed: 3)
        let mask = Tensor(shape: [2, 5], data: [0, 0, 0, 0, 0, 1, 1, 0, 0, 0])
        let out = try sila(x, words: words, mask: mask).validated()
        let first = out.scalars[0..<(8 * 16)], second = out.scalars[(8 * 16)...]
        #expect(first.allSatisfy { abs($0) < 1e-4 })
        #expect(second.contains { abs($0) > 0.1 })
    }
}

extension OfficialStructureTests {
    /// The decoder resizes with align_corners=True: output pixel 21 of 64 samples source 21·15/63 = 5 of 16
    /// exactly, so it equals the stride-4 logits' pixel 5 (half-pixel sampling would mix 4 and 5).
    @Test func decoderResizesWithAlignedCorners() throws {
        var rng = RNG(seed: 4)
        let decoder = LAVTDecoder(channels: [4, 6, 8, 10], hidden: 8, rng: &rng)
        decoder.eval()
        let maps = [4, 6, 8, 10].enumerated().map { i, c in Fixtures.randn([1, c, 16 >> i, 16 >> i], seed: UInt64(10 + i)) }
        let full = try decoder(maps, outputSize: (64, 64)).validated()
        let native = try decoder(maps, outputSize: (16, 16)).validated()
        for k in 0..<2 {
            #expect(abs(full.scalars[k * 4096 + 21 * 64 + 21] - native.scalars[k * 256 + 5 * 16 + 5]) < 1e-5)
        }
    }
}

extension OfficialStructureTests {
    /// `gateInit: official` draws the tanh gates and the channel gate from trunc-normal(0.02) with zero biases
    /// (the official `init_weights`); the default keeps PyTorch's U(±1/√fan-in).
    @Test func gateInitialisation() {
        var rng = RNG(seed: 6)
        let c = 64
        let official = FIAM(channels: c, textDim: 8, gateInit: .truncatedNormal(std: 0.02), rng: &rng)
        let torch = FIAM(channels: c, textDim: 8, rng: &rng)
        func std(_ t: Tensor) -> Double {
            let v = t.scalars.map(Double.init), m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
        }
        for gate in [official.gate.first.weight, official.objectGate.second.weight, official.channelGate.reduce.weight] {
            #expect(abs(std(gate) - 0.02) < 0.002)     // timm's bounds are ±2 in value, so nothing is cut at std 0.02
            #expect(gate.scalars.allSatisfy { abs($0) <= 0.12 })                // six standard deviations
        }
        #expect(official.channelGate.reduce.bias!.scalars.allSatisfy { $0 == 0 })
        // PyTorch's default: U(±1/√64) = U(±0.125), standard deviation 0.125/√3 ≈ 0.072.
        #expect(abs(std(torch.gate.first.weight) - 0.072) < 0.005)
        #expect(torch.channelGate.reduce.bias!.scalars.contains { $0 != 0 })
    }
}

extension OfficialStructureTests {
    /// The official detection-style Swin pads a map no larger than the window with zeros, so in an unshifted
    /// block identical tokens come out differently by where they sit, where the classification Swin's single
    /// window cannot tell them apart; it also shifts a map the size of the window (attention then stays inside
    /// each quarter), where the classification rule attends across the whole map. On a map that is a larger
    /// window multiple the two rules are the same computation. (`ParityTests` checks the padded computation
    /// against the official equations.)
    @Test func swinWindowRules() throws {
        func block(_ rule: SwinWindowRule, shifted: Bool) -> SwinBlock {
            var rng = RNG(seed: 9)
            let block = SwinBlock(dim: 8, heads: 2, window: 4, rule: rule, shifted: shifted, mlpRatio: 2, rng: &rng)
            // Position biases of a trained size (the initial 0.02 would hide the effect in rounding).
            let bias = block.attention.relativeBias, values = Tensor.randn(bias.shape, rng: &rng).scalars
            for i in values.indices { bias.storage.pointer[i] = values[i] }
            return block
        }
        var rng = RNG(seed: 10)
        let token = Tensor.randn([8], rng: &rng).scalars
        let same = Tensor(shape: [1, 2, 2, 8], data: Array([[Float]](repeating: token, count: 4).joined()))
        func spread(_ y: Tensor) -> Float {
            let rows = (0..<4).map { Array(y.scalars[$0 * 8..<($0 + 1) * 8]) }
            return rows.dropFirst().map { zip($0, rows[0]).map { abs($0 - $1) }.max()! }.max()!
        }
        #expect(spread(block(.classification, shifted: false)(same)) < 1e-6)
        #expect(spread(block(.detection, shifted: false)(same)) > 1e-4)   // 6.8e-4 measured

        func difference(_ x: Tensor) -> Float {
            let (a, b) = (block(.detection, shifted: true)(x).scalars, block(.classification, shifted: true)(x).scalars)
            return zip(a, b).map { abs($0 - $1) }.max()!
        }
        #expect(difference(Tensor.randn([1, 4, 4, 8], rng: &rng)) > 1e-3)
        #expect(difference(Tensor.randn([1, 8, 8, 8], rng: &rng)) == 0)

        // Gradients through the padding, the shift of a padded map and the crop (maps padded from 2 to 4, 6 to 8).
        for (side, shifted) in [(2, false), (2, true), (6, true)] {
            let detection = block(.detection, shifted: shifted)
            let x = Tensor.randn([1, side, side, 8], rng: &rng)
            let r = try GradCheck.run([x] + detection.parameters()) { xs in detection(xs[0]) }
            #expect(r.maxError < 3e-3, "\(side)×\(side), shifted \(shifted): \(r)")
        }
    }
}
