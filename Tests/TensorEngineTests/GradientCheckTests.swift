import Testing
import TensorEngine
import TestSupport

/// One finite-difference gradient check per differentiable op of the core set (conv, pooling, resize,
/// norms and the rest have their own files). Inputs are small, non-square and broadcast where the op allows.
struct CoreGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let shapes: [[Int]]
        let inputs: @Sendable ([[Int]]) -> [Tensor]
        let f: @Sendable ([Tensor]) -> Tensor
        var testDescription: String { name }

        init(_ name: String, _ shapes: [[Int]], inputs: (@Sendable ([[Int]]) -> [Tensor])? = nil,
             _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
            self.name = name
            self.shapes = shapes
            self.inputs = inputs ?? { shapes in shapes.enumerated().map { Fixtures.randn($1, seed: UInt64(10 + $0)) } }
            self.f = f
        }
    }

    static let cases: [Case] = [
        Case("add (broadcast)", [[2, 3, 4], [3, 1]]) { $0[0] + $0[1] },
        Case("sub (broadcast)", [[3, 1], [2, 3, 4]]) { $0[0] - $0[1] },
        Case("mul (broadcast)", [[2, 3, 4], [4]]) { $0[0] * $0[1] },
        Case("div", [[2, 3], [2, 3]], inputs: { s in [Fixtures.randn(s[0], seed: 1), Fixtures.positive(s[1], seed: 2)] }) { $0[0] / $0[1] },
        Case("div (broadcast)", [[3, 2, 5], [1, 5]], inputs: { s in [Fixtures.randn(s[0], seed: 3), Fixtures.positive(s[1], seed: 4)] }) { $0[0] / $0[1] },
        Case("maximum", [[3, 4], [3, 4]], inputs: { s in [Fixtures.randn(s[0], seed: 5), Fixtures.randn(s[1], seed: 6) + 0.05] }) { Tensor.maximum($0[0], $0[1]) },
        Case("scalar affine", [[5, 2]]) { 3 * $0[0] - 1.5 },
        Case("reciprocal", [[4, 3]], inputs: { s in [Fixtures.positive(s[0], seed: 7)] }) { 2 / $0[0] },
        Case("neg", [[3, 2]]) { -$0[0] },
        Case("relu", [[3, 5]], inputs: { s in [Fixtures.awayFromZero(s[0], seed: 8)] }) { relu($0[0]) },
        Case("gelu", [[3, 5]]) { gelu($0[0]) },
        Case("sigmoid", [[4, 3]]) { sigmoid($0[0] * 3) },
        Case("tanh", [[4, 3]]) { tanh($0[0] * 2) },
        Case("exp", [[2, 6]]) { exp($0[0]) },
        Case("log", [[2, 6]], inputs: { s in [Fixtures.positive(s[0], seed: 9)] }) { log($0[0]) },
        Case("sqrt", [[2, 6]], inputs: { s in [Fixtures.positive(s[0], seed: 10)] }) { sqrt($0[0]) },
        Case("abs", [[2, 6]], inputs: { s in [Fixtures.awayFromZero(s[0], seed: 11)] }) { abs($0[0]) },
        Case("square", [[2, 6]]) { square($0[0]) },
        Case("hardSigmoid", [[3, 7]], inputs: { s in [Fixtures.awayFromZero(s[0], seed: 12)] }) { hardSigmoid($0[0] * 1.4) },
        Case("pow 1.5", [[2, 5]], inputs: { s in [Fixtures.positive(s[0], seed: 13)] }) { pow($0[0], 1.5) },
        Case("clamp", [[3, 6]], inputs: { s in [Fixtures.awayFromZero(s[0], seed: 14, margin: 0.1)] }) { clamp($0[0], min: -1, max: 1) },
        Case("sum", [[3, 4]]) { $0[0].sum() },
        Case("mean", [[3, 4]]) { $0[0].mean() },
        Case("sum axis 1", [[2, 3, 4]]) { $0[0].sum(axis: 1) },
        Case("sum axis -1 keepDims", [[2, 3, 4]]) { $0[0].sum(axis: -1, keepDims: true) },
        Case("mean axes [0,2]", [[2, 3, 4]]) { $0[0].mean(axes: [0, 2]) },
        Case("max axis 1", [[3, 5, 2]]) { $0[0].max(axis: 1) },
        Case("matmul", [[3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
        Case("matmul batched", [[2, 3, 4], [2, 4, 2]]) { matmul($0[0], $0[1]) },
        Case("matmul shared right", [[2, 3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
        Case("matmul Aᵀ", [[2, 4, 3], [2, 4, 5]]) { matmul($0[0], $0[1], transposeA: true) },
        Case("matmul Bᵀ", [[2, 3, 4], [2, 5, 4]]) { matmul($0[0], $0[1], transposeB: true) },
        Case("linear (bias fused into the GEMM)", [[5, 4], [3, 4], [3]]) { linear($0[0], weight: $0[1], bias: $0[2]) },
        Case("matmul AᵀBᵀ", [[4, 3], [5, 4]]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) },
        Case("matmul shared Bᵀ", [[2, 3, 4], [5, 4]]) { matmul($0[0], $0[1], transposeB: true) },
        Case("reshape", [[2, 6]]) { $0[0].reshaped([3, -1]) * $0[0].reshaped([3, 4]) },
        Case("permute", [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
        Case("transpose", [[3, 5]]) { $0[0].transposed() },
        Case("slice", [[4, 5]]) { $0[0].slice(axis: 1, 1..<4) },
        Case("split", [[6, 2]]) { let p = $0[0].split(sizes: [2, 4], axis: 0); return p[0].sum(axis: 0) * p[1].sum(axis: 0) },
        Case("concat", [[2, 3], [2, 2]]) { Tensor.concat([$0[0], $0[1]], axis: 1) },
        Case("stack", [[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], axis: 1) },
        Case("pad", [[2, 3]]) { $0[0].padded([(1, 0), (2, 1)], value: 0.5) },
        Case("broadcast", [[3, 1]]) { $0[0].broadcast(to: [2, 3, 4]) },
        Case("softmax last", [[3, 5]]) { softmax($0[0] * 2) },
        Case("softmax axis 0", [[4, 3]]) { softmax($0[0], axis: 0) },
        Case("logSoftmax", [[3, 5]]) { logSoftmax($0[0] * 2) },
        Case("logSoftmax axis 1", [[2, 3, 4]]) { logSoftmax($0[0], axis: 1) },
        Case("reused input (x·x + x)", [[3, 3]]) { $0[0] * $0[0] + $0[0] },
    ]

    @Test("finite differences agree with autograd", arguments: cases)
    func gradient(_ c: Case) throws {
        let result = try GradCheck.run(c.inputs(c.shapes), c.f)
        #expect(result.maxError < 3e-3, "\(c.name): \(result)")
    }
}
