import CKernels
import Foundation
import Testing
@testable import NN
import TestSupport

struct OptimizerTests {
    /// `step()` cuts parameters into pieces spread over the cores: a parameter spanning several pieces (and a
    /// ragged last one) next to small ones ends bit-identical to one kernel call over each whole tensor.
    @Test func piecewiseStepsEqualWholeTensorKernels() {
        let sizes = [3 * Optimizer.pieceElements + 17, 5, Optimizer.pieceElements]
        let params = sizes.enumerated().map { i, n in
            Tensor(shape: [n], data: (0..<n).map { Float(sin(Double($0 * (i + 1)))) }, requiresGrad: true)
        }
        let grads = sizes.enumerated().map { i, n in Tensor(shape: [n], data: (0..<n).map { Float(cos(Double($0 + i))) }) }
        let opt = AdamW(parameters: params.enumerated().map { ("p\($0.offset)", $0.element) }, learningRate: 0.01, weightDecay: 0.1)
        var expected = params.map(\.scalars)
        var referenceState: [([Float], [Float])] = sizes.map { ([Float](repeating: 0, count: $0), [Float](repeating: 0, count: $0)) }
        let (lr, wd, b1, b2): (Float, Float, Float, Float) = (0.01, 0.1, 0.9, 0.999)
        for step in 1...2 {
            for (p, g) in zip(params, grads) { p.grad = g }
            opt.step()
            // The same update with one kernel call per tensor (the state starts at zero, as the optimizer's).
            let bc1 = 1 - Double(b1).power(step), bc2 = 1 - Double(b2).power(step)
            for i in sizes.indices {
                var (m, v) = referenceState[i]
                fia_adamw_step(&expected[i], grads[i].scalars, &m, &v, sizes[i], b1, b2, 1e-8, Float(1 - Double(lr) * Double(wd)),
                               Float(Double(lr) / bc1), Float(bc2.squareRoot()))
                referenceState[i] = (m, v)
            }
            for i in sizes.indices { #expect(params[i].scalars == expected[i], "parameter \(i), step \(step)") }
        }
    }

    /// Two AdamW steps on two parameters, one in a decayed group and one exempt, against the arithmetic
    /// written out (Double).
    @Test func adamWMatchesHandArithmetic() {
        let w = Tensor(shape: [2], data: [1, -2], requiresGrad: true)
        let b = Tensor(shape: [1], data: [3], requiresGrad: true)
        let opt = AdamW(groups: [ParameterGroup([("w", w)], weightDecay: 0.01), ParameterGroup([("b", b)], weightDecay: 0)],
                        learningRate: 0.1)
        w.grad = Tensor(shape: [2], data: [0.5, -1])
        b.grad = Tensor(shape: [1], data: [2])
        opt.step()
        // Step 1 (t = 1): decay w by 1 − 0.1·0.01 = 0.999; m = 0.1·g, v = 0.001·g², bias corrections 0.1 and
        // 0.001, so the step is lr · (m/0.1) / (√(v/0.001) + ε) = 0.1 · g / (|g| + 1e-8) ≈ ±0.1.
        #expect(Fixtures.close(w.scalars, [0.999 - 0.1, -1.998 + 0.1], tolerance: 1e-6))
        #expect(Fixtures.close(b.scalars, [3 - 0.1], tolerance: 1e-6))
        #expect(Fixtures.close(opt.state["w"]!["exp_avg"]!.scalars, [0.05, -0.1], tolerance: 1e-7))
        #expect(Fixtures.close(opt.state["w"]!["exp_avg_sq"]!.scalars, [0.00025, 0.001], tolerance: 1e-7))

        // Step 2 (t = 2) with new gradients, every term spelled out.
        w.grad = Tensor(shape: [2], data: [0.1, 0.2])
        b.grad = Tensor(shape: [1], data: [-1])
        opt.step()
        func expected(p: Double, g1: Double, g2: Double, wd: Double) -> Double {
            let lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8
            var p = p * (1 - lr * wd)
            var m = (1 - b1) * g1, v = (1 - b2) * g1 * g1
            p -= lr / (1 - b1) * m / ((v / (1 - b2)).squareRoot() + eps)
            p *= 1 - lr * wd
            m = b1 * m + (1 - b1) * g2
            v = b2 * v + (1 - b2) * g2 * g2
            return p - lr / (1 - b1 * b1) * m / ((v / (1 - b2 * b2)).squareRoot() + eps)
        }
        #expect(Fixtures.close(w.scalars, [Float(expected(p: 1, g1: 0.5, g2: 0.1, wd: 0.01)),
                                           Float(expected(p: -2, g1: -1, g2: 0.2, wd: 0.01))], tolerance: 2e-6))
        #expect(Fixtures.close(b.scalars, [Float(expected(p: 3, g1: 2, g2: -1, wd: 0))], tolerance: 2e-6))
        #expect(opt.parameterSteps == ["w": 2, "b": 2])
    }

    /// SGD with momentum 0.9 (PyTorch semantics: the buffer starts as the first gradient).
    @Test func sgdMomentumMatchesHandArithmetic() {
        let p = Tensor(shape: [2], data: [1, 1], requiresGrad: true)
        let opt = SGD(parameters: [("p", p)], learningRate: 0.1, momentum: 0.9)
        p.grad = Tensor(shape: [2], data: [1, -2])
        opt.step()
        // buf = g = [1, −2]; p = [1, 1] − 0.1·buf
        #expect(Fixtures.close(p.scalars, [0.9, 1.2], tolerance: 1e-7))
        p.grad = Tensor(shape: [2], data: [0.5, 0.5])
        opt.step()
        // buf = 0.9·[1, −2] + [0.5, 0.5] = [1.4, −1.3]; p = [0.9, 1.2] − 0.1·buf = [0.76, 1.33]
        #expect(Fixtures.close(opt.state["p"]!["momentum_buffer"]!.scalars, [1.4, -1.3], tolerance: 1e-6))
        #expect(Fixtures.close(p.scalars, [0.76, 1.33], tolerance: 1e-6))
    }

    @Test func sgdNesterovWithWeightDecayAndDampening() {
        let p = Tensor(shape: [1], data: [2], requiresGrad: true)
        let opt = SGD(parameters: [("p", p)], learningRate: 0.5, momentum: 0.5, weightDecay: 0.1, nesterov: true)
        p.grad = Tensor(shape: [1], data: [1])
        opt.step()
        // d = 1 + 0.1·2 = 1.2; buf = 1.2; nesterov d = 1.2 + 0.5·1.2 = 1.8; p = 2 − 0.9 = 1.1
        #expect(Fixtures.close(p.scalars, [1.1], tolerance: 1e-6))

        let q = Tensor(shape: [1], data: [0], requiresGrad: true)
        let damped = SGD(parameters: [("q", q)], learningRate: 1, momentum: 0.5, dampening: 0.5)
        q.grad = Tensor(shape: [1], data: [2])
        damped.step()                       // buf = 2 (first step: no dampening); q = −2
        damped.step()                       // buf = 0.5·2 + 0.5·2 = 2; q = −4
        #expect(q.scalars == [-4])
    }

    @Test func parametersWithoutGradientsAreSkipped() {
        let a = Tensor(shape: [1], data: [1], requiresGrad: true)
        let opt = AdamW(parameters: [("a", a)], learningRate: 0.1)
        opt.step()
        #expect(a.scalars == [1])
        #expect(opt.state.isEmpty && opt.stepCount == 1)
    }

    @Test func clipGradNormScalesToTheMaximumAndReturnsTheNorm() {
        let a = Tensor(shape: [2], data: [0, 0], requiresGrad: true)
        let b = Tensor(shape: [1], data: [0], requiresGrad: true)
        a.grad = Tensor(shape: [2], data: [3, 4])
        b.grad = Tensor(shape: [1], data: [12])
        let norm = clipGradNorm([a, b], maxNorm: 6.5)
        #expect(norm == 13)
        let c = 6.5 / (13 + 1e-6)
        #expect(Fixtures.close(a.grad!.scalars + b.grad!.scalars, [3, 4, 12].map { Float($0 * c) }, tolerance: 1e-6))
        // Below the maximum: untouched.
        #expect(clipGradNorm([a, b], maxNorm: 100) < 6.5 + 1e-4)
        #expect(Fixtures.close(a.grad!.scalars, [Float(3 * c), Float(4 * c)], tolerance: 1e-7))
    }

    @Test func parameterGroupsExemptBiasesAndNorms() {
        var rng = RNG(seed: 1)
        let model = Sequential(Linear(3, 4, rng: &rng), LayerNorm(4))
        let groups = model.parameterGroups(weightDecay: 0.05)
        #expect(groups.map { $0.parameters.map(\.name) } == [["0.weight"], ["0.bias", "1.weight", "1.bias"]])
        #expect(groups.map(\.weightDecay) == [0.05, 0])
    }
}
