import Foundation
import Testing
import NN
import RRSISData
@testable import RRSISModels
import TestSupport

struct BackbonePretrainingTests {
    /// A Swin small enough to pretrain in a test: 32-pixel scenes, stage maps 8/4/2/1, window 2.
    static func tinySwin(seed: UInt64 = 1, alignment: @escaping AlignmentFactory = { _, _, _ in IdentityAlignment() }) throws -> SwinBackbone {
        var rng = RNG(seed: seed)
        return try SwinBackbone(dims: [8, 8, 16, 16], depths: [1, 1, 1, 1], heads: [1, 1, 1, 1], window: 2, alignment: alignment, rng: &rng)
    }

    static func tinyRecipe(scenes: Int = 32, epochs: Int = 2) -> BackbonePretraining {
        var recipe = BackbonePretraining(scenes: scenes, epochs: epochs, imageSize: 32)
        recipe.batchSize = 8
        recipe.learningRate = 3e-3
        return recipe
    }

    @Test("loss by hand: uniform logits over two pixels of classes 0 and 1 give ln 2 + (1 − 2/3)")
    func lossByHand() throws {
        // CE: every pixel has p = 1/2 for its class → ln 2. Dice per class: Σp·t = 0.5, Σp = 1, Σt = 1 →
        // (2·0.5 + 1) / (1 + 1 + 1) = 2/3 for both classes; 1 − mean = 1/3.
        let logits = Tensor.zeros([1, 2, 1, 2])
        let loss = Double(try BackbonePretraining.loss(logits, [0, 1]).validated().item())
        let expected: Double = log(2.0) + 1.0 / 3
        #expect(abs(loss - expected) < 1e-6)
        // A class absent from the labels still counts in the Dice mean: 3 classes, same pixels.
        // Per pixel p = 1/3 each; CE = ln 3. Dice: classes 0, 1: (2/3 + 1) / (2/3 + 1 + 1) = 5/8; class 2:
        // (0 + 1) / (2/3 + 0 + 1) = 3/5. Loss = ln 3 + 1 − (5/8 + 5/8 + 3/5) / 3.
        let three = Double(try BackbonePretraining.loss(Tensor.zeros([1, 3, 1, 2]), [0, 1]).validated().item())
        let meanDice: Double = (0.625 + 0.625 + 0.6) / 3
        let expectedThree: Double = log(3.0) + 1 - meanDice
        #expect(abs(three - expectedThree) < 1e-6)
    }

    @Test("the pretraining loss's gradient matches finite differences")
    func lossGradient() throws {
        let logits = Fixtures.randn([2, 3, 2, 3], seed: 7)
        let labels: [Int64] = [0, 1, 2, 2, 1, 0, 1, 1, 0, 2, 2, 2]
        let result = try GradCheck.run([logits], h: 1e-2) { BackbonePretraining.loss($0[0], labels).reshaped([1]) }
        #expect(result.maxError < 2e-3, "\(result)")
    }

    @Test("only alignment modules are left out of the transferable state")
    func transferableState() throws {
        let fused = try Self.tinySwin(alignment: { _, c, r in CoarseAlignment(channels: c, textDim: 8, rng: &r) })
        let names = BackbonePretraining.transferable(fused).map(\.name)
        let all = fused.stateTensors().map(\.name)
        #expect(names.count < all.count)
        #expect(Set(all).subtracting(names).allSatisfy { $0.contains(".align.") })
        #expect(names.contains("patchEmbed.weight") && names.contains("outputNorms.3.weight"))
    }

    @Test("pretraining lowers the loss, is deterministic, and its weights load into a backbone with alignments")
    func pretrainsAndTransfers() throws {
        var losses: [Double] = []
        let state = try Self.tinyRecipe(epochs: 3).run(try Self.tinySwin(), decoderWidth: 8) { _, loss, _ in losses.append(loss) }
        #expect(losses.count == 3 && losses[2] < losses[0], "\(losses)")
        let again = try Self.tinyRecipe(epochs: 3).run(try Self.tinySwin(), decoderWidth: 8)
        #expect(zip(state, again).allSatisfy { $0.name == $1.name && $0.tensor.scalars == $1.tensor.scalars })
        #expect(state.map(\.tensor.scalars) != BackbonePretraining.transferable(try Self.tinySwin()).map(\.tensor.scalars))

        let fused = try Self.tinySwin(seed: 9, alignment: { _, c, r in CoarseAlignment(channels: c, textDim: 8, rng: &r) })
        let alignBefore = fused.stateTensors().filter { $0.name.contains(".align.") }.map(\.tensor.scalars)
        try BackbonePretraining.load(state, into: fused, source: "test")
        #expect(BackbonePretraining.transferable(fused).map(\.tensor.scalars) == state.map(\.tensor.scalars))
        #expect(fused.stateTensors().filter { $0.name.contains(".align.") }.map(\.tensor.scalars) == alignBefore)
    }

    @Test("the key changes with every recipe field and the backbone, and not otherwise")
    func key() {
        let base = Self.tinyRecipe()
        #expect(base.key(backbone: "swin{}") == Self.tinyRecipe().key(backbone: "swin{}"))
        var changed: [BackbonePretraining] = []
        for edit in [{ (r: inout BackbonePretraining) in r.scenes += 1 }, { $0.epochs += 1 }, { $0.imageSize = 64 },
                     { $0.batchSize = 4 }, { $0.learningRate = 1e-4 }, { $0.weightDecay = 0 }, { $0.seed = 5 }] {
            var r = base
            edit(&r)
            changed.append(r)
        }
        let keys = Set(changed.map { $0.key(backbone: "swin{}") } + [base.key(backbone: "swin{}"), base.key(backbone: "resnet{}")])
        #expect(keys.count == changed.count + 2)
        #expect(base.key(backbone: "swin{}").count == 16)
    }
}

struct TextPretrainingTests {
    @Test("masking: about maskRate of each expression's words, at least one, replaced by padding, targets the originals")
    func masking() {
        let recipe = TextPretraining(sentences: 64, epochs: 1)
        let vocabulary = Vocabulary(building: recipe.corpus())
        let batch = recipe.corpus().prefix(32).map { vocabulary.encode($0, maxLength: 16) }
        let masked = recipe.maskedBatch(Array(batch), epoch: 1, step: 0)
        #expect(masked.positions.count == masked.targets.count)
        var perRow = [Int](repeating: 0, count: batch.count)
        for (p, t) in zip(masked.positions, masked.targets) {
            let (row, col) = (p / 16, p % 16)
            perRow[row] += 1
            #expect(masked.tokens[p] == 0 && Int64(batch[row].ids[col]) == t && t > 1)
        }
        #expect(perRow.allSatisfy { $0 >= 1 })
        let words = batch.map(\.words.count).reduce(0, +)
        #expect(Double(masked.positions.count) / Double(words) > 0.1 && Double(masked.positions.count) / Double(words) < 0.3)
        // Unmasked tokens are untouched.
        let maskedSet = Set(masked.positions)
        for (p, id) in batch.flatMap(\.ids).enumerated() where !maskedSet.contains(p) { #expect(masked.tokens[p] == Int(id)) }
        #expect(recipe.maskedBatch(Array(batch), epoch: 1, step: 0).positions == masked.positions)
        #expect(recipe.maskedBatch(Array(batch), epoch: 2, step: 0).positions != masked.positions)
    }

    @Test("masked-word pretraining learns: loss falls and accuracy rises over epochs")
    func learns() throws {
        var recipe = TextPretraining(sentences: 256, epochs: 4)
        recipe.learningRate = 3e-3
        let corpus = recipe.corpus(), vocabulary = Vocabulary(building: corpus)
        var rng = RNG(seed: 2)
        let encoder = TextEncoder(vocabulary: vocabulary.count, dim: 16, layers: 1, heads: 2, maxLength: 16, rng: &rng)
        var history: [(Double, Double)] = []
        _ = try recipe.run(encoder, corpus: corpus, vocabulary: vocabulary, maxLength: 16) { _, loss, accuracy in history.append((loss, accuracy)) }
        #expect(history.count == 4 && history[3].0 < history[0].0 && history[3].1 > history[0].1, "\(history)")
    }

    @Test("the corpus is the pretraining scenes' expressions, none of them a training sample's")
    func corpus() {
        let corpus = TextPretraining(sentences: 50, epochs: 1).corpus()
        #expect(corpus.count == 50 && Set(corpus).count > 25)
        let train = (0..<50).map { SyntheticGenerator.sample(SyntheticConfig(), split: .train, index: $0).expression }
        #expect(corpus != train)
    }
}
