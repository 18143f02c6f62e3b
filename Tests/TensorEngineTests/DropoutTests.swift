import Testing
import TensorEngine
import TestSupport

struct DropoutTests {
    @Test func keepsAboutOneMinusPAndScalesTheSurvivors() throws {
        var rng = RNG(seed: 42)
        let n = 100_001                                  // odd: the last element takes a draw of its own
        let y = try dropout(Tensor.ones([n]), p: 0.3, training: true, rng: &rng).validated()
        let values = y.scalars
        let kept = values.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 1 / Float(0.7) })
        // 0.7 ± 4 standard deviations (σ = √(0.21/n) ≈ 0.0014)
        #expect(Swift.abs(Double(kept.count) / Double(n) - 0.7) < 0.006)
        // E[y] = x
        #expect(Swift.abs(values.reduce(0, +) / Float(n) - 1) < 0.01)
    }

    @Test func sameSeedSameMaskDifferentSeedDifferentMask() {
        let x = Fixtures.randn([64, 33], seed: 1)
        var a = RNG(seed: 7), b = RNG(seed: 7), c = RNG(seed: 8)
        let ya = dropout(x, p: 0.5, training: true, rng: &a).scalars
        #expect(ya == dropout(x, p: 0.5, training: true, rng: &b).scalars)
        #expect(ya != dropout(x, p: 0.5, training: true, rng: &c).scalars)
        #expect(a.next() == b.next())                    // the generators advanced alike
    }

    @Test func identityInEvaluationAndAtPZero() {
        let x = Fixtures.randn([3, 4], seed: 2)
        var rng = RNG(seed: 1)
        let before = rng
        #expect(dropout(x, p: 0.5, training: false, rng: &rng) === x)
        #expect(dropout(x, p: 0, training: true, rng: &rng) === x)
        var untouched = before
        #expect(rng.next() == untouched.next())
    }

    @Test func probabilityOutsideZeroOneIsAnError() {
        var rng = RNG(seed: 1)
        for p: Float in [1, -0.1, 1.5, .nan] {
            #expect(throws: TensorError.self, "p = \(p)") { try dropout(Tensor.ones([4]), p: p, training: true, rng: &rng).validated() }
        }
    }

    @Test func gradientIsTheSameMask() throws {
        // Re-seeding inside f gives every evaluation the same mask, so finite differences see a linear map.
        let result = try GradCheck.run([Fixtures.randn([5, 7], seed: 3)]) { xs in
            var rng = RNG(seed: 99)
            return dropout(xs[0], p: 0.4, training: true, rng: &rng)
        }
        #expect(result.maxError < 3e-3, "\(result)")
        let x = Tensor.ones([5, 7]).requiringGrad()
        var rng = RNG(seed: 99)
        let y = dropout(x, p: 0.4, training: true, rng: &rng)
        try y.sum().backward()
        #expect(x.grad?.scalars == y.scalars)            // x = 1: y is exactly the mask
    }
}
