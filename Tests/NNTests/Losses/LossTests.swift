import Foundation
import Testing
@testable import NN
import TestSupport

struct LossTests {
    @Test func bceIsExactForExtremeLogits() {
        let logits = Tensor(shape: [1, 1, 2, 2], data: [1e4, -1e4, 0, 30])
        let mask = Tensor(shape: [1, 2, 2], data: [1, 0, 1, 0])
        let l = SegmentationLoss.bce(logits, mask).item()
        // per pixel: 0, 0, log 2, 30 + log(1 + e^−30)
        #expect(abs(l - Float((log(2.0) + 30) / 4)) < 1e-6)
    }

    @Test func twoClassCrossEntropyWithClassWeights() {
        // [B=1, C=2, H=1, W=2]: pixel 0 has logits (0, 2) and is foreground; pixel 1 has (1, −1), background.
        let logits = Tensor(shape: [1, 2, 1, 2], data: [0, 1, 2, -1])
        let mask = Tensor(shape: [1, 1, 1, 2], data: [1, 0])
        let nll0 = log(1 + exp(-2.0)), nll1 = log(1 + exp(-2.0))
        let expected = (1.1 * nll0 + 0.9 * nll1) / 2.0
        let l = SegmentationLoss.crossEntropy(classWeights: [0.9, 1.1])(logits, mask).item()
        #expect(abs(l - Float(expected)) < 1e-6)
    }

    /// One logit z is the class pair (0, z): CE on it equals BCE, and BCE on two logits equals their CE.
    @Test func oneAndTwoChannelFormsAgree() {
        let z = Fixtures.randn([2, 1, 3, 3], seed: 1, std: 3)
        let mask = Tensor(shape: [2, 1, 3, 3], data: (0..<18).map { Float(($0 * 7) % 3 == 0 ? 1 : 0) })
        #expect(abs(SegmentationLoss.crossEntropy(classWeights: nil)(z, mask).item() - SegmentationLoss.bce(z, mask).item()) < 1e-6)
        let pair = Fixtures.randn([2, 2, 3, 3], seed: 2)
        #expect(abs(SegmentationLoss.bce(pair, mask).item() - SegmentationLoss.crossEntropy(classWeights: nil)(pair, mask).item()) < 1e-6)
        #expect(abs(diceLoss(pair, mask) .item() - diceLoss(pair.slice(axis: 1, 1..<2) - pair.slice(axis: 1, 0..<1), mask).item()) < 1e-6)
    }

    @Test func diceByHand() {
        // p = σ(0) = 0.5 everywhere; image 1: t = [1,1,0,0] → (2·1 + 1)/(2 + 2 + 1) = 0.6;
        // image 2: t = 0 → (0 + 1)/(2 + 0 + 1) = 1/3. Loss = 1 − mean.
        let logits = Tensor.zeros([2, 1, 2, 2])
        let mask = Tensor(shape: [2, 1, 2, 2], data: [1, 1, 0, 0, 0, 0, 0, 0])
        #expect(abs(SegmentationLoss.dice(smooth: 1)(logits, mask).item() - Float(1 - (0.6 + 1.0 / 3) / 2)) < 1e-6)
        // Saturated correct logits: Dice loss → 0 without NaN.
        let sure = Tensor(shape: [1, 1, 1, 2], data: [80, -80])
        #expect(abs(diceLoss(sure, Tensor(shape: [1, 1, 2], data: [1, 0]), smooth: 1e-6).item()) < 1e-5)
    }

    /// FIANet's Dice term by hand: p = σ(0) = 0.5 for both classes everywhere, smooth 1e-6.
    /// Image 1 (t = [1,1,0,0]): foreground (2·1 + s)/(2 + 2 + s), background the same → 0.5 each.
    /// Image 2 (t = 0): foreground s/(2 + 0 + s) ≈ 5e-7, background (2·2 + s)/(2 + 4 + s) = 2/3.
    /// Loss = Σ (1 − dice) over 2 images × 2 classes = 4 − (0.5 + 0.5 + 5e-7 + 2/3).
    @Test func classDiceSumByHand() {
        let logits = Tensor.zeros([2, 2, 2, 2])
        let mask = Tensor(shape: [2, 1, 2, 2], data: [1, 1, 0, 0, 0, 0, 0, 0])
        let s = 1e-6
        let expected = 4 - ((2 + s) / (4 + s) * 2 + s / (2 + s) + (4 + s) / (6 + s))
        #expect(abs(Double(SegmentationLoss.classDiceSum(smooth: 1e-6)(logits, mask).item()) - expected) < 1e-5)
        // It is a sum over images, not a mean: doubling the batch with copies doubles the loss.
        let twice = SegmentationLoss.classDiceSum(smooth: 1e-6)(Tensor.concat([logits, logits], axis: 0),
                                                                Tensor.concat([mask, mask], axis: 0)).item()
        #expect(abs(Double(twice) - 2 * expected) < 2e-5)
        // The one-channel form (0, z) gives the same value as the pair.
        #expect(abs(classDiceSumLoss(Tensor.zeros([2, 1, 2, 2]), mask).item() - Float(expected)) < 1e-5)
    }

    @Test func weightedSumOfTerms() {
        let logits = Fixtures.randn([2, 2, 4, 4], seed: 3)
        let mask = Tensor(shape: [2, 4, 4], data: (0..<32).map { Float($0 % 5 == 0 ? 1 : 0) })
        let loss = WeightedLoss([(1, .crossEntropy(classWeights: [0.9, 1.1])), (0.5, .dice(smooth: 1))])
        let (total, terms) = loss.evaluate(logits, mask)
        #expect(terms.count == 2)
        #expect(abs(total.item() - (terms[0] + 0.5 * terms[1])) < 1e-6)
    }

    @Test(arguments: [SegmentationLoss.bce, .crossEntropy(classWeights: [0.9, 1.1]), .dice(smooth: 1), .classDiceSum(smooth: 1e-6)])
    func gradientsOfTwoChannelLosses(loss: SegmentationLoss) throws {
        let mask = Tensor(shape: [2, 1, 2, 3], data: [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0])
        let r = try GradCheck.run([Fixtures.randn([2, 2, 2, 3], seed: 4)]) { xs in loss(xs[0], mask) }
        #expect(r.maxError < 3e-3, "\(r)")
    }
}
