import Foundation
import Testing
@testable import NN

struct InitTests {
    func stats(_ t: Tensor) -> (mean: Double, std: Double, maxAbs: Float) {
        let v = t.scalars.map(Double.init)
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
        return (mean, variance.squareRoot(), t.scalars.map { abs($0) }.max()!)
    }

    @Test func fansFollowPyTorch() {
        #expect(Init.fans([64, 32, 3, 3]) == (288, 576))
        #expect(Init.fans([10, 20]) == (20, 10))
    }

    @Test func kaimingNormalHasStdGainOverRootFanIn() {
        var rng = RNG(seed: 1)
        let w = Init.kaimingNormal([256, 64, 3, 3], rng: &rng)          // fanIn 576: std √(2/576)
        let s = stats(w)
        #expect(abs(s.std / (2.0 / 576).squareRoot() - 1) < 0.01)
        #expect(abs(s.mean) < 0.001)
        #expect(w.requiresGrad)
    }

    @Test func kaimingAndXavierUniformBounds() {
        var rng = RNG(seed: 2)
        let k = Init.kaimingUniform([128, 200], rng: &rng)             // b = √2·√(3/200)
        let b = Float(2).squareRoot() * Float(3.0 / 200).squareRoot()
        #expect(stats(k).maxAbs <= b && stats(k).maxAbs > 0.98 * b)
        let x = Init.xavierUniform([100, 300], rng: &rng)              // b = √(6/400); std b/√3
        let s = stats(x)
        #expect(s.maxAbs <= Float(6.0 / 400).squareRoot())
        #expect(abs(s.std / ((6.0 / 400).squareRoot() / 3.0.squareRoot()) - 1) < 0.02)
    }

    /// timm's `trunc_normal_(std=.02)` truncates at ±2 in value: at std 0.02 nothing is cut, so the weights are
    /// N(0, 0.02) (truncating at ±2σ would give a standard deviation of 0.02 × 0.8796 and nothing beyond 0.04).
    @Test func truncatedNormalAtTheOfficialStdIsNotCut() {
        var rng = RNG(seed: 3)
        let t = Init.truncatedNormal([10_000], std: 0.02, rng: &rng)
        #expect(abs(stats(t).std - 0.02) < 0.0005, "\(stats(t).std)")
        #expect(stats(t).maxAbs > 0.05 && stats(t).maxAbs < 0.1, "\(stats(t).maxAbs)")   // some beyond 2.5σ; none beyond 5σ
    }

    @Test func sameSeedSameWeights() {
        var a = RNG(seed: 4), b = RNG(seed: 4), c = RNG(seed: 5)
        #expect(Linear(8, 8, rng: &a).weight.scalars == Linear(8, 8, rng: &b).weight.scalars)
        #expect(Linear(8, 8, rng: &a).weight.scalars != Linear(8, 8, rng: &c).weight.scalars)
        #expect(Init.zeros([3]).scalars == [0, 0, 0] && Init.ones([2]).scalars == [1, 1])
    }
}
