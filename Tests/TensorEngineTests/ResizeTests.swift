import Testing
@testable import TensorEngine
import TestSupport

/// `interpolate` against PyTorch's `F.interpolate` outputs, derived by hand from its index formulas.
struct ResizeTests {
    static let square = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
    /// Interpolation weights such as 1/3 are rounded in float32: a few ulps of the largest value (4).
    static let tolerance: Float = 8 * Float.ulpOfOne

    @Test func bilinearHalfPixelMatchesPyTorch() throws {
        // align_corners=False: s = (d + 0.5)/2 − 0.5 → 0 (clamped), 0.25, 0.75, 1.25 (reads x[1] twice).
        let y = try interpolate(Self.square, size: (4, 4), mode: .bilinear).validated()
        let expected: [Float] = [1.00, 1.25, 1.75, 2.00,
                                 1.50, 1.75, 2.25, 2.50,
                                 2.50, 2.75, 3.25, 3.50,
                                 3.00, 3.25, 3.75, 4.00]
        #expect(y.shape == [1, 1, 4, 4])
        #expect(Fixtures.close(y.scalars, expected, tolerance: Self.tolerance))
    }

    @Test func bilinearAlignCornersMatchesPyTorch() throws {
        // align_corners=True: s = d·(2 − 1)/(4 − 1) = 0, 1/3, 2/3, 1 — corners land exactly on the input corners.
        let y = try interpolate(Self.square, size: (4, 4), mode: .bilinear, alignCorners: true).validated()
        let third: Float = 1 / 3
        let expected: [Float] = [0, 1, 2, 3].flatMap { r -> [Float] in
            [0, 1, 2, 3].map { c in 1 + 2 * Float(r) * third + Float(c) * third }
        }
        #expect(Fixtures.close(y.scalars, expected, tolerance: Self.tolerance))
        #expect(y[0, 0, 0, 0] == 1 && y[0, 0, 0, 3] == 2 && y[0, 0, 3, 0] == 3 && y[0, 0, 3, 3] == 4)
    }

    @Test func bilinearDownsamplingAveragesPairs() throws {
        // 4 → 2 half-pixel: s = (d + 0.5)·2 − 0.5 = 0.5, 2.5 → the mean of each pair.
        let x = Tensor(shape: [1, 1, 1, 4], data: [0, 2, 10, 20])
        #expect(try interpolate(x, size: (1, 2), mode: .bilinear).validated().scalars == [1, 15])
        // Same size is a copy; one output pixel with align_corners reads the first input pixel.
        #expect(try interpolate(Self.square, size: (2, 2), mode: .bilinear).validated().scalars == [1, 2, 3, 4])
        #expect(try interpolate(Self.square, size: (1, 1), mode: .bilinear, alignCorners: true).validated().scalars == [1])
    }

    @Test func nearestUsesTheLegacyFloorRule() throws {
        let doubled = try interpolate(Self.square, size: (4, 4), mode: .nearest).validated()
        #expect(doubled.scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        // 5 → 3: ⌊d·5/3⌋ = 0, 1, 3; 2 → 3: ⌊d·2/3⌋ = 0, 0, 1.
        let row = Tensor(shape: [1, 1, 1, 5], data: [10, 11, 12, 13, 14])
        #expect(try interpolate(row, size: (1, 3), mode: .nearest).validated().scalars == [10, 11, 13])
        let pair = Tensor(shape: [1, 1, 1, 2], data: [5, 6])
        #expect(try interpolate(pair, size: (1, 3), mode: .nearest).validated().scalars == [5, 5, 6])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let shape: [Int]
        let f: @Sendable (Tensor) -> Tensor
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "bilinear up 3×2 → 5×7", shape: [2, 2, 3, 2]) { interpolate($0, size: (5, 7), mode: .bilinear) },
        Case(name: "bilinear up, align corners", shape: [1, 2, 3, 4]) { interpolate($0, size: (7, 5), mode: .bilinear, alignCorners: true) },
        Case(name: "bilinear down 7×6 → 3×4", shape: [1, 3, 7, 6]) { interpolate($0, size: (3, 4), mode: .bilinear) },
        Case(name: "bilinear down, align corners", shape: [2, 1, 6, 5]) { interpolate($0, size: (4, 2), mode: .bilinear, alignCorners: true) },
        Case(name: "nearest up 3×4 → 5×9", shape: [1, 2, 3, 4]) { interpolate($0, size: (5, 9), mode: .nearest) },
        Case(name: "nearest down 6×5 → 4×2", shape: [2, 1, 6, 5]) { interpolate($0, size: (4, 2), mode: .nearest) },
    ]

    @Test("finite differences agree with autograd", arguments: cases)
    func gradient(_ c: Case) throws {
        // Resizing is linear: differences are exact up to float32 rounding of L = Σ R⊙y (≲ 1e-3 relative).
        let result = try GradCheck.run([Fixtures.randn(c.shape, seed: 41)]) { c.f($0[0]) }
        #expect(result.maxError < 3e-3, "\(c.name): \(result)")
    }

    @Test func sizeOneInputAndCost() throws {
        let one = Tensor(shape: [1, 1, 1, 1], data: [2])
        #expect(try interpolate(one, size: (2, 3), mode: .bilinear).validated().scalars == [2, 2, 2, 2, 2, 2])
        #expect(try interpolate(one, size: (2, 3), mode: .nearest).validated().scalars == [2, 2, 2, 2, 2, 2])
        let counter = CostCounter()
        Cost.counting(into: counter) { _ = interpolate(Self.square, size: (4, 4), mode: .bilinear) }
        #expect(counter.totalFLOPs == 9 * 16)
    }

    @Test func badArgumentsGiveFailedTensors() {
        for bad in [interpolate(Tensor.zeros([2, 2, 2]), size: (4, 4), mode: .bilinear),
                    interpolate(Self.square, size: (0, 4), mode: .bilinear),
                    interpolate(Self.square, size: (4, 4), mode: .nearest, alignCorners: true)] {
            #expect(throws: TensorError.self) { try bad.validated() }
            #expect("\(bad.failure!)".hasPrefix("interpolate"))
        }
    }
}
