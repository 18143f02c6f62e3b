import Testing
@testable import TensorEngine
import TestSupport

struct ArithmeticTests {
    @Test func broadcastingAddMatchesHandComputed() throws {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3], data: [10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        let c = Tensor(shape: [2, 1], data: [100, 200])
        #expect((a * c).scalars == [100, 200, 300, 800, 1000, 1200])
        #expect((c - a).shape == [2, 3])
        #expect((c - a).scalars == [99, 98, 97, 196, 195, 194])
    }

    @Test func broadcastGradientSumsOverExpandedDims() throws {
        let a = Tensor.ones([2, 3, 4]).requiringGrad()
        let b = Tensor.ones([3, 1]).requiringGrad()
        try (a * b).sum().backward()
        #expect(b.grad?.scalars == [8, 8, 8])      // each b element meets 2·4 elements of a
        #expect(b.grad?.shape == [3, 1])
    }

    @Test func mismatchedShapesGiveAnErrorNamingBoth() {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4])
        #expect(throws: TensorError.self) { try (a + b).validated() }
        do { try (a * b).validated() } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4]"))
        }
        // A failure propagates through later ops and out of backward.
        let w = Tensor.ones([3]).requiringGrad()
        #expect(throws: TensorError.self) { try (relu(a + b) * w).sum().backward() }
    }

    @Test func zeroSizeAndSizeOneDimensions() throws {
        let e = Tensor.zeros([0, 3])
        #expect((e + Tensor.ones([3])).shape == [0, 3])
        #expect(e.sum().item() == 0)
        let one = Tensor(shape: [1, 1], data: [2])
        #expect((one * Tensor(shape: [3, 1], data: [1, 2, 3])).scalars == [2, 4, 6])
        #expect(matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])).scalars == [0, 0, 0, 0, 0, 0])
    }
}

struct ReductionTests {
    @Test func sumsAndMeansOverAxes() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.sum().item() == 21)
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1).scalars == [6, 15])
        #expect(x.mean(axis: -1, keepDims: true).shape == [2, 1])
        #expect(x.mean(axis: -1).scalars == [2, 5])
        #expect(x.mean(axes: [0, 1]).item() == 3.5)
    }

    @Test func maxAndArgmaxTakeTheFirstOnTies() {
        let x = Tensor(shape: [2, 4], data: [1, 7, 7, 2, -3, -1, -2, -1])
        #expect(x.max(axis: 1).scalars == [7, -1])
        #expect(x.argmax(axis: 1).scalars == [1, 1])
        #expect(x.argmax(axis: 0).scalars == [0, 0, 0, 0])
    }

    @Test func badAxisIsAnError() {
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 2]).sum(axis: 2).validated() }
    }

    @Test func largeSumIsAccurate() {
        // 1e6 values of 0.1: naive float accumulation drifts by ~1%; ours accumulates blocks in double.
        let x = Tensor.full([1_000_000], 0.1)
        #expect(Swift.abs(x.sum().item() - 100_000) < 1)
    }
}

struct MatMulTests {
    @Test func productMatchesHandComputed() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], data: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b).scalars == [58, 64, 139, 154])
        #expect(matmul(a, a, transposeB: true).scalars == [14, 32, 32, 77])
        #expect(matmul(a, a, transposeA: true).scalars == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }

    @Test func macCountIsBatchTimesMKN() {
        let counter = CostCounter()
        Cost.counting(into: counter) {
            Cost.scope("head") { _ = matmul(Tensor.zeros([4, 3, 5]), Tensor.zeros([4, 5, 7])) }
        }
        #expect(counter.macs["head"] == 4 * 3 * 5 * 7)
        #expect(counter.macs(under: "head") == 420)
        #expect(counter.totalFLOPs == 840)
    }

    @Test func innerMismatchIsAnError() {
        #expect(throws: TensorError.self) { try matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 2])).validated() }
    }
}

extension ArithmeticTests {
    @Test func linearFusesTheBiasAndEqualsMatmulPlusBias() throws {
        // y = x·Wᵀ + b by hand: x = [[1, 2], [3, 4], [5, 6]], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, -1, 2].
        let x = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6]), w = Tensor(shape: [3, 2], data: [1, 0, 0, 1, 1, 1])
        let b = Tensor(shape: [3], data: [0.5, -1, 2])
        #expect(try linear(x, weight: w, bias: b).validated().scalars == [1.5, 1, 5, 3.5, 3, 9, 5.5, 5, 13])
        // Large enough for the GEMM to split over the cores: the fused form agrees with matmul + add.
        let xl = Fixtures.randn([700, 96], seed: 1), wl = Fixtures.randn([64, 96], seed: 2), bl = Fixtures.randn([64], seed: 3)
        let fused = try linear(xl, weight: wl, bias: bl).validated(), plain = try (matmul(xl, wl, transposeB: true) + bl).validated()
        #expect(Fixtures.close(fused.scalars, plain.scalars, tolerance: 1e-5))
        // MACs and FLOPs as matmul + add count them.
        let counter = CostCounter()
        _ = Cost.counting(into: counter) { linear(x, weight: w, bias: b) }
        #expect(counter.totalMACs == 3 * 3 * 2 && counter.totalFLOPs == 2 * 18 + 9)
        // Shapes that do not fit give a failed tensor naming them.
        #expect(linear(x, weight: Tensor.zeros([3, 5]), bias: b).failure != nil)
        #expect(linear(x, weight: w, bias: Tensor.zeros([2])).failure != nil)
    }
}

struct ShapeOpTests {
    @Test func permuteMovesElements() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        let y = Tensor(shape: [2, 2, 2], data: [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(y.permuted([2, 0, 1]).scalars == [0, 2, 4, 6, 1, 3, 5, 7])
    }

    /// Tiled transposes (the unit-stride dimension moves), short contiguous runs, and outer dimensions too
    /// short to split alone (q/k/v's 3: split together with the next dimension, across chunk boundaries).
    @Test("permutes match index arithmetic", arguments: [
        ([13, 11], [1, 0]), ([16, 64, 64], [0, 2, 1]), ([3, 9, 17, 5], [0, 3, 1, 2]), ([2, 8, 3, 8], [3, 1, 0, 2]),
        ([4, 7, 2, 9], [1, 3, 2, 0]), ([256, 16, 3, 1, 32], [2, 0, 3, 1, 4]), ([3, 37, 8, 40], [0, 2, 1, 3]),
        ([48, 20, 4, 16], [0, 2, 1, 3]),
    ])
    func transposingPermutesMatchIndexArithmetic(_ shape: [Int], _ order: [Int]) {
        let x = Fixtures.randn(shape, seed: 7)
        let y = x.permuted(order)
        let source = x.scalars, inStrides = Shapes.strides(shape), outShape = order.map { shape[$0] }
        var expected = [Float](repeating: 0, count: x.count)
        for flat in 0..<x.count {   // output index → input offset
            var rest = flat, offset = 0
            for d in stride(from: outShape.count - 1, through: 0, by: -1) {
                offset += (rest % outShape[d]) * inStrides[order[d]]
                rest /= outShape[d]
            }
            expected[flat] = source[offset]
        }
        #expect(y.shape == outShape)
        #expect(y.scalars == expected)
    }

    /// Large enough to split over the cores: broadcasting with a short outer dimension, slice (and its
    /// backward: zeros around dY's run) and concat (and its backward), against index arithmetic.
    @Test func largeSlicesConcatsAndShortOuterBroadcasts() throws {
        let a = Fixtures.randn([3, 37, 8, 40], seed: 3), b = Fixtures.randn([3, 1, 8, 1], seed: 4)
        let av = a.scalars, bv = b.scalars
        var sum = [Float](repeating: 0, count: av.count)
        for i in 0..<3 { for j in 0..<37 { for k in 0..<8 { for l in 0..<40 {
            sum[((i * 37 + j) * 8 + k) * 40 + l] = av[((i * 37 + j) * 8 + k) * 40 + l] + bv[i * 8 + k]
        } } } }
        #expect(try (a + b).validated().scalars == sum)
        let x = Fixtures.randn([16, 96, 16, 16], seed: 5).requiringGrad(), xv = x.scalars
        let y = Fixtures.randn([16, 32, 16, 16], seed: 6).requiringGrad(), yv = y.scalars
        let part = x.slice(axis: 1, 10..<74)
        let joined = Tensor.concat([part, y], axis: 1)
        var partExpected: [Float] = [], joinedExpected: [Float] = []
        for n in 0..<16 {
            let taken = Array(xv[(n * 96 + 10) * 256..<(n * 96 + 74) * 256])
            partExpected += taken
            joinedExpected += taken + Array(yv[n * 32 * 256..<(n + 1) * 32 * 256])
        }
        #expect(part.shape == [16, 64, 16, 16] && part.scalars == partExpected)
        #expect(joined.shape == [16, 96, 16, 16] && joined.scalars == joinedExpected)
        let weights = Fixtures.randn([16, 96, 16, 16], seed: 7), wv = weights.scalars
        try (joined * weights).sum().backward()
        var gxExpected = [Float](repeating: 0, count: xv.count), gyExpected: [Float] = []
        for n in 0..<16 {
            for c in 10..<74 { for p in 0..<256 { gxExpected[(n * 96 + c) * 256 + p] = wv[(n * 96 + c - 10) * 256 + p] } }
            gyExpected += Array(wv[(n * 96 + 64) * 256..<(n + 1) * 96 * 256])
        }
        #expect(try #require(x.grad).scalars == gxExpected)
        #expect(try #require(y.grad).scalars == gyExpected)
    }

    /// The gradient of a broadcast row vector is a column sum; large ones split their columns over the cores
    /// (blocks of 16 with a ragged end here) and must equal the in-order Float sums bit for bit.
    @Test func broadcastRowGradientsAreInOrderColumnSums() throws {
        let (rows, cols) = (700, 75)
        let x = Fixtures.randn([rows, cols], seed: 8), b = Fixtures.randn([cols], seed: 9).requiringGrad()
        let weights = Fixtures.randn([rows, cols], seed: 10), wv = weights.scalars
        try ((x + b) * weights).sum().backward()
        var expected = [Float](repeating: 0, count: cols)
        for r in 0..<rows { for c in 0..<cols { expected[c] += wv[r * cols + c] } }
        #expect(try #require(b.grad).scalars == expected)
    }

    @Test func sliceConcatSplitPad() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(x.slice(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(Tensor.concat([x, x.slice(axis: 1, 0..<1)], axis: 1).scalars == [1, 2, 3, 1, 4, 5, 6, 4])
        #expect(x.split(sizes: [1, 1], axis: 0).map(\.scalars) == [[1, 2, 3], [4, 5, 6]])
        #expect(x.padded([(0, 0), (1, 1)], value: 9).scalars == [9, 1, 2, 3, 9, 9, 4, 5, 6, 9])
        #expect(Tensor.stack([x, x], axis: 0).shape == [2, 2, 3])
        #expect(throws: TensorError.self) { try x.reshaped([4, 2]).validated() }
        #expect(x.reshaped([-1]).shape == [6])
    }
}

struct SoftmaxTests {
    @Test func softmaxMatchesClosedForm() {
        let x = Tensor(shape: [1, 3], data: [0, log(2), log(5)] as [Float])
        let y = softmax(x).scalars
        #expect(Fixtures.close(y, [0.125, 0.25, 0.625], tolerance: 1e-6))
        let ls = logSoftmax(x).scalars
        #expect(Fixtures.close(ls, [Float(Foundation.log(0.125)), Float(Foundation.log(0.25)), Float(Foundation.log(0.625))], tolerance: 1e-6))
    }

    @Test func extremeLogitsStayFinite() {
        let x = Tensor(shape: [2, 3], data: [1e4, -1e4, 0, 88, 89, 1000])
        let y = softmax(x).scalars
        #expect(y.allSatisfy { $0.isFinite })
        #expect(Fixtures.close(y, [1, 0, 0, 0, 0, 1], tolerance: 1e-6))
        #expect(logSoftmax(x).scalars.allSatisfy { $0.isFinite })
    }

    @Test func maskedKeysGetZeroAndFullyMaskedRowsGiveZeros() {
        let x = Tensor(shape: [2, 3], data: [1, -.infinity, 1, -.infinity, -.infinity, -.infinity])
        #expect(softmax(x).scalars == [0.5, 0, 0.5, 0, 0, 0])
    }
}

struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() throws {
        let w = Tensor(shape: [2], data: [1, 2]).requiringGrad()
        try (w * w).sum().backward()
        try (w * 3).sum().backward()
        #expect(w.grad?.scalars == [5, 7])   // 2w + 3
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func noGradRecordsNothing() {
        let w = Tensor.ones([3]).requiringGrad()
        let y = withNoGrad { relu(w * 2) }
        #expect(!y.requiresGrad)
        #expect(y.gradFn == nil)
    }

    @Test func sharedSubgraphsGetBothContributions() throws {
        // y = a·b + a, with a = x + 1: dy/dx = b + 1.
        let x = Tensor(shape: [2], data: [1, 2]).requiringGrad()
        let b = Tensor(shape: [2], data: [3, 4])
        let a = x + 1
        let y = a * b + a
        try y.sum().backward()
        #expect(x.grad?.scalars == [4, 5])
    }

    /// Large gradients (split over the cores): a shared activation summed from three consumers, then a
    /// parameter accumulated over two backward passes. Integer-valued factors keep every sum exact.
    @Test func largeGradientsAccumulateExactly() throws {
        let count = 70_000
        let x = Tensor.full([count], 0.5).requiringGrad()
        let factors: [Tensor] = (0..<3).map { k in
            Tensor(shape: [count], data: (0..<count).map { i -> Float in Float((i * (k + 3)) % 7) - 3 })
        }
        for _ in 0..<2 {
            let a = x * 2
            let y = a * factors[0] + a * factors[1] + a * factors[2]
            try y.sum().backward()
        }
        let f0 = factors[0].scalars, f1 = factors[1].scalars, f2 = factors[2].scalars
        var expected = [Float](repeating: 0, count: count)
        for i in 0..<count { expected[i] = 4 * (f0[i] + f1[i] + f2[i]) }
        #expect(try #require(x.grad).scalars == expected)
    }

    @Test func backwardFreesTheGraph() throws {
        weak var weakNode: Tensor?
        let w = Tensor.ones([4]).requiringGrad()
        do {
            let hidden = relu(w * 2)
            weakNode = hidden
            try (hidden * 3).sum().backward()
        }
        #expect(weakNode == nil, "intermediate tensors must be released once backward has run")
    }

    @Test func backwardOfNonScalarNeedsASeed() {
        let w = Tensor.ones([2]).requiringGrad()
        #expect(throws: TensorError.self) { try (w * 2).backward() }
    }
}

struct RandomTests {
    @Test func sameSeedSameBits() {
        var a = RNG(seed: 42), b = RNG(seed: 42), c = RNG(seed: 43)
        let x = (0..<5).map { _ in a.next() }, y = (0..<5).map { _ in b.next() }, z = (0..<5).map { _ in c.next() }
        #expect(x == y)
        #expect(x != z)
    }

    @Test func distributionsHaveTheRightMoments() {
        var rng = RNG(seed: 7)
        let n = Tensor.randn([20000], mean: 1, std: 2, rng: &rng).scalars
        let mean = n.reduce(0, +) / Float(n.count)
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n.count)
        #expect(Swift.abs(mean - 1) < 0.05)
        #expect(Swift.abs(variance.squareRoot() - 2) < 0.05)
        let t = Tensor.truncatedNormal([5000], std: 1, rng: &rng).scalars
        #expect(t.allSatisfy { $0 >= -2 && $0 <= 2 })
        // The bounds are absolute, as PyTorch's `trunc_normal_`: at std 0.02 the default ±2 never cuts (the
        // standard deviation stays 0.02, where bounds of ±2σ would give 0.0176), and explicit bounds cut in value.
        let narrow = Tensor.truncatedNormal([20000], std: 0.02, rng: &rng).scalars.map(Double.init)
        let narrowStd = (narrow.map { $0 * $0 }.reduce(0, +) / Double(narrow.count)).squareRoot()
        #expect(Swift.abs(narrowStd - 0.02) < 0.0006, "\(narrowStd)")
        #expect(narrow.contains { Swift.abs($0) > 0.045 })
        let cut = Tensor.truncatedNormal([5000], mean: 1, std: 1, a: 0.5, b: 1.5, rng: &rng).scalars
        #expect(cut.allSatisfy { $0 >= 0.5 && $0 <= 1.5 } && cut.contains { $0 < 0.6 } && cut.contains { $0 > 1.4 })
        let u = Tensor.uniform([5000], low: -1, high: 3, rng: &rng).scalars
        #expect(u.allSatisfy { $0 >= -1 && $0 < 3 })
    }
}

import Foundation

struct ActivationTests {
    @Test func activationsMatchClosedForms() {
        let x = Tensor(shape: [5], data: [-4, -1, 0, 0.5, 4])
        #expect(relu(x).scalars == [0, 0, 0, 0.5, 4])
        #expect(Fixtures.close(hardSigmoid(x).scalars, [0, 1.0 / 3, 0.5, 3.5 / 6, 1], tolerance: 1e-6))
        let expected = x.scalars.map { 1 / (1 + Foundation.exp(-$0)) }
        #expect(Fixtures.close(sigmoid(x).scalars, expected, tolerance: 2e-7))
        #expect(Fixtures.close(tanh(x).scalars, x.scalars.map { Foundation.tanh($0) }, tolerance: 2e-7))
        // GELU(x) = x·Φ(x) with Φ the standard normal CDF.
        let gelus = x.scalars.map { $0 * 0.5 * (1 + Foundation.erf($0 / 2.0.squareRoot().float)) }
        #expect(Fixtures.close(gelu(x).scalars, gelus, tolerance: 1e-6))
    }

    @Test func vectorisedExpAndLogAreAccurateOverTheRange() {
        let values = stride(from: Float(-87), through: 88, by: 0.37).map { $0 }
        let x = Tensor(shape: [values.count], data: values)
        let e = exp(x).scalars
        for (v, got) in zip(values, e) {
            #expect(Swift.abs(got - Foundation.exp(v)) <= 4e-7 * Foundation.exp(v), "exp(\(v))")
        }
        let positives = values.map { Foundation.exp($0 / 4) }
        let l = log(Tensor(shape: [positives.count], data: positives)).scalars
        for (p, got) in zip(positives, l) { #expect(Swift.abs(got - Foundation.log(p)) <= 1e-6 * Swift.max(1, Swift.abs(Foundation.log(p)))) }
        #expect(exp(Tensor(shape: [3], data: [-.infinity, -100, 100])).scalars == [0, 0, .infinity])
        #expect(log(Tensor(shape: [2], data: [0, 1])).scalars == [-.infinity, 0])
    }
}

private extension Double { var float: Float { Float(self) } }
