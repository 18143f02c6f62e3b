import Testing
@testable import TensorEngine
import TestSupport

/// Max, average and adaptive average pooling: hand-computed windows, PyTorch's padding and bin rules,
/// finite-difference gradients, errors.
struct PoolingTests {
    /// x[i, j] = 4i + j on a 4×4 plane.
    static let ramp = Tensor(shape: [1, 1, 4, 4], data: (0..<16).map(Float.init))

    /// Distinct values 0.1 apart in a shuffled order, so no window has a tie and a ±h step (h = 1e-2) never
    /// changes which element is the maximum.
    static func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RNG(seed: seed)
        var values = (0..<shape.reduce(1, *)).map { Float($0) * 0.1 - 1 }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, Int(rng.uniform() * Float(i + 1)) % (i + 1)) }
        return Tensor(shape: shape, data: values)
    }

    @Test func maxPoolPicksWindowMaxima() throws {
        #expect(try maxPool2d(Self.ramp, kernel: 2).validated().scalars == [5, 7, 13, 15])
        // Padding is −inf, not 0: on an all-negative input every window still reports a real pixel.
        let negative = Tensor(shape: [1, 1, 4, 4], data: (0..<16).map { -Float($0) - 1 })
        let y = try maxPool2d(negative, kernel: 3, stride: 2, padding: 1).validated()
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [-1, -2, -5, -6])
    }

    @Test func maxPoolGradientGoesToTheFirstMaximum() throws {
        let x = Tensor(shape: [1, 1, 2, 4], data: [1, 3, 2, 2, 3, 0, 2, 1]).requiringGrad()
        try maxPool2d(x, kernel: 2).sum().backward()
        // Window 1 holds 3 at (0,1) and (1,0): the first in row-major order wins; window 2 ties 2,2,2 → (0,2).
        #expect(x.grad?.scalars == [0, 1, 1, 0, 0, 0, 0, 0])
    }

    @Test func avgPoolCountsPaddingInTheDivisor() throws {
        #expect(try avgPool2d(Self.ramp, kernel: 2).validated().scalars == [2.5, 4.5, 10.5, 12.5])
        // count_include_pad=True: the corner window (k 3, pad 1) sums x[0..1, 0..1] = 0 + 1 + 4 + 5 and divides by 9.
        let y = try avgPool2d(Self.ramp, kernel: 3, stride: 1, padding: 1).validated()
        #expect(y.shape == [1, 1, 4, 4])
        #expect(Swift.abs(y[0, 0, 0, 0] - 10 / 9) <= 2 * Float.ulpOfOne)
        #expect(Swift.abs(y[0, 0, 1, 1] - 5) <= 8 * Float.ulpOfOne * 5)   // interior: the mean of a ramp is its centre
    }

    @Test func adaptiveBinsFollowPyTorch() throws {
        // 5 → 3: bins [⌊5i/3⌋, ⌈5(i+1)/3⌉) = [0,2), [1,4), [3,5) — overlapping at 1 and 3.
        let row = Tensor(shape: [1, 1, 1, 5], data: [0, 1, 2, 3, 4])
        #expect(try adaptiveAvgPool2d(row, outputSize: (1, 3)).validated().scalars == [0.5, 2, 3.5])
        let column = Tensor(shape: [1, 1, 5, 1], data: [0, 10, 20, 30, 40])
        #expect(try adaptiveAvgPool2d(column, outputSize: (3, 1)).validated().scalars == [5, 20, 35])
        // Output 1×1 is the global mean; output equal to the input is the identity; 2 → 4 repeats pixels.
        #expect(try adaptiveAvgPool2d(Self.ramp, outputSize: (1, 1)).validated().scalars == [7.5])
        #expect(try adaptiveAvgPool2d(Self.ramp, outputSize: (4, 4)).validated().scalars == Self.ramp.scalars)
        let up = try adaptiveAvgPool2d(Tensor(shape: [1, 1, 1, 2], data: [1, 2]), outputSize: (1, 4)).validated()
        #expect(up.scalars == [1, 1, 2, 2])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let shape: [Int]
        let f: @Sendable (Tensor) -> Tensor
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "max 2×2", shape: [2, 3, 4, 6]) { maxPool2d($0, kernel: 2) },
        Case(name: "max 2×2, odd sizes (last row and column unused)", shape: [1, 2, 5, 7]) { maxPool2d($0, kernel: 2) },
        Case(name: "max k3 s2 p1, non-square", shape: [1, 2, 7, 5]) { maxPool2d($0, kernel: 3, stride: 2, padding: 1) },
        Case(name: "max k2 s1 (overlapping)", shape: [1, 2, 4, 5]) { maxPool2d($0, kernel: 2, stride: 1) },
        Case(name: "avg 2×2", shape: [2, 2, 4, 6]) { avgPool2d($0, kernel: 2) },
        Case(name: "avg k3 s2 p1, non-square", shape: [1, 3, 7, 5]) { avgPool2d($0, kernel: 3, stride: 2, padding: 1) },
        Case(name: "adaptive 5×7 → 3×4", shape: [2, 2, 5, 7]) { adaptiveAvgPool2d($0, outputSize: (3, 4)) },
        Case(name: "adaptive 3×2 → 5×3 (upsampling bins)", shape: [1, 2, 3, 2]) { adaptiveAvgPool2d($0, outputSize: (5, 3)) },
    ]

    @Test("finite differences agree with autograd", arguments: cases)
    func gradient(_ c: Case) throws {
        // Pooling is piecewise linear and the inputs keep every window's order under a ±h step, so the
        // differences are exact up to float32 rounding of L = Σ R⊙y (≈ eps·Σ|R⊙y|/h ≲ 1e-3).
        let result = try GradCheck.run([Self.distinct(c.shape, seed: 5)]) { c.f($0[0]) }
        #expect(result.maxError < 3e-3, "\(c.name): \(result)")
    }

    @Test func sizeOneAndCost() throws {
        let one = Tensor(shape: [1, 1, 1, 1], data: [7])
        #expect(try maxPool2d(one, kernel: 1).validated().scalars == [7])
        #expect(try avgPool2d(one, kernel: 1).validated().scalars == [7])
        #expect(try adaptiveAvgPool2d(one, outputSize: (2, 3)).validated().scalars == [7, 7, 7, 7, 7, 7])
        let counter = CostCounter()
        Cost.counting(into: counter) { _ = maxPool2d(Self.ramp, kernel: 2) }
        #expect(counter.totalFLOPs == 4 * 4)   // one comparison per window element
    }

    @Test func badArgumentsGiveFailedTensors() {
        let x = Tensor.zeros([1, 2, 4, 4])
        for bad in [maxPool2d(Tensor.zeros([2, 4, 4]), kernel: 2),            // rank 3
                    maxPool2d(x, kernel: 2, padding: 2),                       // padding > kernel / 2
                    avgPool2d(x, kernel: 5),                                   // window larger than the input
                    avgPool2d(x, kernel: 2, stride: 0),
                    adaptiveAvgPool2d(x, outputSize: (0, 2))] {
            #expect(throws: TensorError.self) { try bad.validated() }
            #expect("\(bad.failure!)".contains("Pool2d"))
        }
        // A failed input passes through.
        let failed = conv2d(x, weight: Tensor.zeros([1, 3, 1, 1]))
        #expect(maxPool2d(failed, kernel: 2).failure == failed.failure)
    }
}
