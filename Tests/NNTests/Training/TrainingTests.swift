import Foundation
import Testing
@testable import NN
import TestSupport

/// End-to-end: small models trained with the layers, losses and optimizers of this target.
struct TrainingTests {
    @Test func twoLayerMLPLearnsXOR() throws {
        var rng = RNG(seed: 1)
        let net = Sequential(Linear(2, 8, rng: &rng), ActivationLayer(.tanh), Linear(8, 1, rng: &rng))
        let opt = AdamW(groups: net.parameterGroups(weightDecay: 0), learningRate: 0.05)
        let x = Tensor(shape: [4, 2], data: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
        var loss: Float = .infinity
        for _ in 0..<400 {
            opt.zeroGrad()
            let l = binaryCrossEntropyWithLogits(net(x), y)
            try l.backward()
            opt.step()
            loss = l.item()
        }
        let predictions = withNoGrad { net(x) }.scalars.map { $0 > 0 ? Float(1) : 0 }
        #expect(loss < 0.05)
        #expect(predictions == [0, 1, 1, 0])
    }

    /// 8 fixed 16×16 images with a bright rectangle somewhere in noise; the mask is the rectangle. A
    /// three-layer conv net with BatchNorm fits them to IoU > 0.95 (measured in evaluation mode).
    @Test func tinyConvNetOverfitsEightImageMaskPairs() throws {
        var data = RNG(seed: 2)
        let n = 8, s = 16
        var images = [Float](repeating: 0, count: n * 3 * s * s), masks = [Float](repeating: 0, count: n * s * s)
        for i in 0..<n {
            let top = Int(data.uniform(0, 8)), left = Int(data.uniform(0, 8))
            let h = 4 + Int(data.uniform(0, 6)), w = 4 + Int(data.uniform(0, 6))
            for r in 0..<s { for c in 0..<s {
                let inside = r >= top && r < top + h && c >= left && c < left + w
                if inside { masks[(i * s + r) * s + c] = 1 }
                for ch in 0..<3 {
                    images[((i * 3 + ch) * s + r) * s + c] = 0.5 * data.normal() + (inside && ch == 0 ? 1.5 : 0)
                }
            } }
        }
        let x = Tensor(shape: [n, 3, s, s], data: images), mask = Tensor(shape: [n, 1, s, s], data: masks)

        var rng = RNG(seed: 3)
        let net = Sequential(
            Conv2d(3, 8, kernelSize: 3, padding: 1, bias: false, init: .kaimingNormal(.relu), rng: &rng), BatchNorm2d(8), ActivationLayer(.relu),
            Conv2d(8, 8, kernelSize: 3, padding: 1, bias: false, init: .kaimingNormal(.relu), rng: &rng), BatchNorm2d(8), ActivationLayer(.relu),
            Conv2d(8, 1, kernelSize: 1, rng: &rng))
        let loss = WeightedLoss([(1, .bce), (1, .dice(smooth: 1))])
        let opt = AdamW(groups: net.parameterGroups(weightDecay: 1e-4), learningRate: 0.02)
        net.train()
        for _ in 0..<150 {
            opt.zeroGrad()
            try loss(net(x), mask).backward()
            opt.step()
        }
        net.eval()
        let predicted = withNoGrad { net(x) }.scalars.map { $0 > 0 }
        var intersection = 0, union = 0
        for (p, t) in zip(predicted, masks.map { $0 > 0.5 }) {
            if p && t { intersection += 1 }
            if p || t { union += 1 }
        }
        let iou = Double(intersection) / Double(union)
        #expect(iou > 0.95, "IoU \(iou)")
    }

    /// A short training with dropout, shuffled batches and AdamW: the loss curve is a function of the seed.
    @Test func trainingIsDeterministicPerSeed() throws {
        func lossCurve(seed: UInt64) throws -> [UInt32] {
            var rng = RNG(seed: seed)
            let net = Sequential(Linear(6, 16, rng: &rng), ActivationLayer(.gelu), Dropout(0.2, rng: &rng), Linear(16, 1, rng: &rng))
            let opt = AdamW(groups: net.parameterGroups(weightDecay: 0.01), learningRate: 0.01)
            let x = Fixtures.randn([32, 6], seed: 100), y = Fixtures.randn([32, 1], seed: 101)
            var curve: [UInt32] = []
            for _ in 0..<15 {
                let order = (0..<32).shuffled(using: &rng)
                let batch = order.prefix(8)
                let xb = Tensor.stack(batch.map { x.slice(axis: 0, $0..<($0 + 1)).reshaped([6]) })
                let yb = Tensor.stack(batch.map { y.slice(axis: 0, $0..<($0 + 1)).reshaped([1]) })
                opt.zeroGrad()
                let l = square(net(xb) - yb).mean()
                try l.backward()
                opt.clipGradNorm(maxNorm: 1)
                opt.step()
                curve.append(l.item().bitPattern)
            }
            return curve
        }
        let a = try lossCurve(seed: 7), b = try lossCurve(seed: 7), c = try lossCurve(seed: 8)
        #expect(a == b)
        #expect(a != c)
    }
}
