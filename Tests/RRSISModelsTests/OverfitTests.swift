import Testing
import NN
import RRSISData
@testable import RRSISModels

/// Each of the nine alignment × scale variants must be able to memorise a handful of real synthetic
/// samples: a model that cannot overfit 16 samples has a broken forward or backward pass somewhere.
struct OverfitTests {
    static let data: (PreparedDataset, Int) = {
        var config = SyntheticConfig()
        config.trainCount = 16
        config.valCount = 1
        config.testCount = 1
        config.seed = 11
        let samples = try! SyntheticGenerator.generate(config, split: .train)
        let vocabulary = Vocabulary(building: samples.map(\.expression))
        let prepared = try! PreparedDataset(samples: samples, vocabulary: vocabulary,
                                            decoupler: PhraseDecoupler(classList: ClassLists.synthetic), maxLength: 16)
        return (prepared, vocabulary.count)
    }()

    /// Mean IoU of the argmax prediction over the batch.
    static func meanIoU(_ logits: Tensor, _ masks: Tensor) -> Double {
        let prediction = Segmenter.prediction(logits).scalars, truth = masks.scalars
        let b = logits.shape[0], plane = truth.count / b
        var total = 0.0
        for i in 0..<b {
            var inter = 0, union = 0
            for p in (i * plane)..<((i + 1) * plane) {
                let (a, t) = (prediction[p] > 0.5, truth[p] > 0.5)
                if a && t { inter += 1 }
                if a || t { union += 1 }
            }
            total += union == 0 ? 0 : Double(inter) / Double(union)
        }
        return total / Double(b)
    }

    @Test("each variant overfits 16 synthetic samples to mIoU > 0.9", arguments: ModelFixtures.variants)
    func overfits(_ v: ModelFixtures.Variant) throws {
        let (dataset, vocabulary) = Self.data
        let loader = BatchLoader(dataset: dataset, batchSize: 16, shuffle: false)
        let batch = loader.batch(epoch: 0, index: 0)
        let model = ModelFixtures.model(v, vocabulary: vocabulary, maxLength: 16)
        let optimizer = AdamW(groups: model.parameterGroups(weightDecay: 0), learningRate: 3e-3)
        var best = 0.0
        for step in 1...600 {
            model.train()
            let loss = Segmenter.loss(model(batch), batch.masks)
            try loss.backward()
            optimizer.step()
            model.zeroGrad()
            if step % 25 == 0 {
                model.eval()
                best = Swift.max(best, Self.meanIoU(withNoGrad { model(batch) }, batch.masks))
                if best > 0.9 { break }
            }
        }
        #expect(best > 0.9, "\(v): best mIoU \(best)")
    }
}
