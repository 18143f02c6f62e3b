import Foundation
import Testing
import TensorEngine
import TestSupport

/// Suites nested under one name so `swift test --filter LossTests` selects them all.
enum LossTests {
    struct BinaryCrossEntropy {
        @Test func handComputedValues() throws {
            // x = 0, t = ½: log 2
            #expect(Swift.abs(binaryCrossEntropyWithLogits(Tensor(shape: [1], data: [0]), Tensor(shape: [1], data: [0.5])).item() - 0.693147) < 1e-6)
            // x = 2, t = 1: log(1 + e⁻²) = 0.126928; x = −1, t = 0: log(1 + e⁻¹) = 0.313262
            let loss = try binaryCrossEntropyWithLogits(Tensor(shape: [2], data: [2, -1]), Tensor(shape: [2], data: [1, 0])).validated()
            #expect(loss.shape == [])
            #expect(Swift.abs(loss.item() - (0.126928 + 0.313262) / 2) < 1e-6)
        }

        @Test func extremeLogitsStayFiniteAndExact() throws {
            let x = Tensor(shape: [4], data: [1e4, -1e4, 1e4, -1e4]).requiringGrad()
            let t = Tensor(shape: [4], data: [1, 0, 0, 1])
            let loss = binaryCrossEntropyWithLogits(x, t)
            #expect(loss.item() == 5000)                     // [0, 0, 1e4, 1e4] / 4
            try loss.backward()
            #expect(x.grad?.scalars == [0, 0, 0.25, -0.25])  // (σ(x) − t) / n
            // Tiny losses keep their digits: log(1 + e⁻²⁰) ≈ 2.0612e-9, not 0.
            let tiny = binaryCrossEntropyWithLogits(Tensor(shape: [1], data: [20]), Tensor(shape: [1], data: [1])).item()
            #expect(Swift.abs(Double(tiny) - Foundation.log1p(Foundation.exp(-20.0))) < 1e-14)
        }

        @Test func weightRescalesElements() {
            let x = Tensor(shape: [2, 2], data: [0, 0, 2, -1]), t = Tensor(shape: [2, 2], data: [1, 0, 1, 0])
            let w = Tensor(shape: [1, 2], data: [2, 0])
            // elements: log2·2, log2·0, 0.126928·2, 0.313262·0, mean over 4
            let want = (2 * 0.693147 + 2 * 0.126928) / 4
            #expect(Swift.abs(Double(binaryCrossEntropyWithLogits(x, t, weight: w).item()) - want) < 1e-6)
        }

        @Test func gradientsWRTLogitsTargetsAndWeight() throws {
            let inputs = [Fixtures.randn([3, 4], seed: 1, std: 3), Fixtures.positive([3, 4], seed: 2, low: 0, high: 1),
                          Fixtures.positive([4], seed: 3)]
            let result = try GradCheck.run(inputs) { binaryCrossEntropyWithLogits($0[0], $0[1], weight: $0[2]) }
            #expect(result.maxError < 3e-3, "\(result)")
            let plain = try GradCheck.run([Fixtures.randn([2, 5], seed: 4, std: 2), Fixtures.positive([2, 5], seed: 5, low: 0, high: 1)]) {
                binaryCrossEntropyWithLogits($0[0], $0[1])
            }
            #expect(plain.maxError < 3e-3, "\(plain)")
        }

        @Test func shapeMismatchIsAnError() {
            #expect(throws: TensorError.self) { try binaryCrossEntropyWithLogits(Tensor.zeros([2, 3]), Tensor.zeros([3])).validated() }
            #expect(throws: TensorError.self) {
                try binaryCrossEntropyWithLogits(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), weight: Tensor.zeros([2])).validated()
            }
        }
    }

    struct CrossEntropy {
        let logits = Tensor(shape: [2, 3], data: [0, Float(Foundation.log(2.0)), Float(Foundation.log(5.0)), 1, 1, 1])

        @Test func handComputedValues() throws {
            // sample 0: softmax = [1/8, 2/8, 5/8], target 2 → −log(5/8) = 0.470004; sample 1: uniform → log 3
            let loss = try crossEntropy(logits, targets: [2, 0]).validated()
            #expect(loss.shape == [])
            #expect(Swift.abs(Double(loss.item()) - (0.470004 + 1.098612) / 2) < 1e-6)
            // weighted mean: (3·0.470004 + 1·1.098612) / (3 + 1)
            let weighted = crossEntropy(logits, targets: [2, 0], classWeights: [1, 1, 3]).item()
            #expect(Swift.abs(Double(weighted) - (3 * 0.470004 + 1.098612) / 4) < 1e-6)
        }

        @Test func segmentationLayoutMatchesLogSoftmax() throws {
            // [N, C, H, W] = [2, 3, 2, 2]; reference: −mean log_softmax(x, axis 1)[target]
            let x = Fixtures.randn([2, 3, 2, 2], seed: 6, std: 2)
            let targets = [0, 2, 1, 1, 2, 2, 0, 1]
            let ls = logSoftmax(x, axis: 1).scalars
            var want = 0.0
            for (p, t) in targets.enumerated() { want -= Double(ls[(p / 4) * 12 + t * 4 + p % 4]) }
            #expect(Swift.abs(Double(crossEntropy(x, targets: targets).item()) - want / 8) < 1e-5)
        }

        @Test func extremeLogitsStayFinite() throws {
            let x = Tensor(shape: [2, 2], data: [1e4, -1e4, -1e4, 1e4]).requiringGrad()
            let loss = crossEntropy(x, targets: [0, 0])
            #expect(loss.item() == 1e4)                      // [0, 2e4] / 2
            try loss.backward()
            #expect(x.grad?.scalars == [0, 0, -0.5, 0.5])
        }

        @Test("gradient w.r.t. logits", arguments: [false, true])
        func gradient(weighted: Bool) throws {
            let targets = [0, 2, 1, 3, 3, 0, 2, 2, 1, 0]
            let result = try GradCheck.run([Fixtures.randn([2, 4, 5], seed: 7, std: 2)]) {
                crossEntropy($0[0], targets: targets, classWeights: weighted ? [0.5, 2, 1, 3] : nil)
            }
            #expect(result.maxError < 3e-3, "\(result)")
            let rows = try GradCheck.run([Fixtures.randn([3, 5], seed: 8)]) { crossEntropy($0[0], targets: [4, 0, 2]) }
            #expect(rows.maxError < 3e-3, "\(rows)")
        }

        @Test func badTargetsAreErrors() {
            do {
                try crossEntropy(logits, targets: [2, 3]).validated()
                Issue.record("expected a failure")
            } catch {
                #expect("\(error)".contains("target 3") && "\(error)".contains("0..<3"))
            }
            #expect(throws: TensorError.self) { try crossEntropy(logits, targets: [0]).validated() }
            #expect(throws: TensorError.self) { try crossEntropy(logits, targets: [0, -1]).validated() }
            #expect(throws: TensorError.self) { try crossEntropy(logits, targets: [0, 1], classWeights: [1, 1]).validated() }
            #expect(throws: TensorError.self) { try crossEntropy(Tensor.zeros([3]), targets: [0]).validated() }
        }
    }
}
