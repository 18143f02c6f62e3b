import Foundation
import Testing
import TensorEngine
import TestSupport

/// A Double reference: normalises each group of `x` (row-major `[outer, groupSize]` after `perm`-free
/// grouping by `groupOf(flatIndex)`) with biased variance.
private func referenceNormalise(_ x: [Float], groupOf: (Int) -> Int, groups: Int, eps: Double = 1e-5) -> [Double] {
    var sum = [Double](repeating: 0, count: groups), count = sum, m2 = sum
    for (i, v) in x.enumerated() { sum[groupOf(i)] += Double(v); count[groupOf(i)] += 1 }
    let mean = zip(sum, count).map { $0 / $1 }
    for (i, v) in x.enumerated() { let d = Double(v) - mean[groupOf(i)]; m2[groupOf(i)] += d * d }
    return x.enumerated().map { i, v in
        let g = groupOf(i)
        return (Double(v) - mean[g]) / (m2[g] / count[g] + eps).squareRoot()
    }
}

private func closeTo(_ got: [Float], _ want: [Double], tolerance: Double = 1e-5) -> Bool {
    got.count == want.count && zip(got, want).allSatisfy { Swift.abs(Double($0) - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

/// Suites nested under one name so `swift test --filter NormalizationTests` selects them all.
enum NormalizationTests {
    struct LayerNorm {
        @Test func normalisesOneTwoThreeFour() throws {
            // mean 2.5, biased variance 1.25
            let x = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
            let r = 1 / (1.25 + 1e-5).squareRoot()
            let plain = try layerNorm(x, weight: nil, bias: nil).validated()
            #expect(closeTo(plain.scalars, [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r]))
            let w = Tensor(shape: [4], data: [1, 2, -1, 0.5]), b = Tensor(shape: [4], data: [0, 1, 2, 3])
            let affine = layerNorm(x, weight: w, bias: b)
            #expect(closeTo(affine.scalars, [-1.5 * r, -0.5 * r * 2 + 1, 0.5 * r * -1 + 2, 1.5 * r * 0.5 + 3]))
            #expect(closeTo(layerNorm(x, weight: w, bias: nil).scalars, [-1.5 * r, -1 * r, -0.5 * r, 0.75 * r]))
            #expect(closeTo(layerNorm(x, weight: nil, bias: b).scalars, [-1.5 * r, -0.5 * r + 1, 0.5 * r + 2, 1.5 * r + 3]))
        }

        @Test func largeOffsetDoesNotCancel() {
            // E[x²] − E[x]² in float32 would lose every digit here; two passes do not.
            let x = Tensor(shape: [1, 4], data: [10_001, 10_002, 10_003, 10_004])
            let r = 1 / (1.25 + 1e-5).squareRoot()
            #expect(closeTo(layerNorm(x, weight: nil, bias: nil).scalars, [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r], tolerance: 1e-4))
        }

        @Test func sizeOneLastDimensionGivesTheBias() {
            let x = Tensor(shape: [3, 1], data: [5, -2, 7])
            #expect(layerNorm(x, weight: Tensor(shape: [1], data: [3]), bias: Tensor(shape: [1], data: [0.5])).scalars == [0.5, 0.5, 0.5])
            #expect(layerNorm(Tensor.zeros([0, 4]), weight: nil, bias: nil).shape == [0, 4])
        }

        @Test func badShapesAreErrors() {
            let x = Tensor.zeros([2, 3])
            #expect(throws: TensorError.self) { try layerNorm(x, weight: Tensor.ones([2]), bias: nil).validated() }
            #expect(throws: TensorError.self) { try layerNorm(x, weight: nil, bias: Tensor.ones([3, 1])).validated() }
            #expect(throws: TensorError.self) { try layerNorm(Tensor(3), weight: nil, bias: nil).validated() }
            do { try layerNorm(x, weight: Tensor.ones([4]), bias: nil).validated() } catch {
                #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4]"))
            }
        }

        @Test("gradients w.r.t. x, weight and bias", arguments: [[3, 5], [2, 3, 19], [4, 1]])
        func gradients(shape: [Int]) throws {
            let d = shape.last!
            let x = Fixtures.randn(shape, seed: 1, std: 2), w = Fixtures.randn([d], seed: 2), b = Fixtures.randn([d], seed: 3)
            let full = try GradCheck.run([x, w, b]) { layerNorm($0[0], weight: $0[1], bias: $0[2]) }
            #expect(full.maxError < 3e-3, "\(full)")
            let plain = try GradCheck.run([Fixtures.randn(shape, seed: 4)]) { layerNorm($0[0], weight: nil, bias: nil) }
            #expect(plain.maxError < 3e-3, "\(plain)")
            let weightOnly = try GradCheck.run([Fixtures.randn(shape, seed: 5), Fixtures.randn([d], seed: 6)]) {
                layerNorm($0[0] * 1.5, weight: $0[1], bias: nil)
            }
            #expect(weightOnly.maxError < 3e-3, "\(weightOnly)")
        }

        @Test func parallelPathMatchesReference() throws {
            // 4096 × 64 = 262K elements: split over the workers, weight/bias gradients summed per block.
            let rows = 4096, d = 64
            let x = Fixtures.randn([rows, d], seed: 7), w = Fixtures.randn([d], seed: 8).requiringGrad()
            let b = Fixtures.randn([d], seed: 9).requiringGrad()
            let y = layerNorm(x, weight: w, bias: b)
            let xs = x.scalars, ws = w.scalars, bs = b.scalars, ys = y.scalars
            let xhat = referenceNormalise(xs, groupOf: { $0 / d }, groups: rows)
            #expect(closeTo(ys, xhat.enumerated().map { $0.element * Double(ws[$0.offset % d]) + Double(bs[$0.offset % d]) }, tolerance: 1e-4))
            try y.sum().backward()
            // d(Σy)/dw = Σ_rows x̂, d(Σy)/db = rows
            var sumXhat = [Double](repeating: 0, count: d)
            for (i, v) in xhat.enumerated() { sumXhat[i % d] += v }
            #expect(closeTo(w.grad!.scalars, sumXhat, tolerance: 1e-3))
            #expect(b.grad!.scalars.allSatisfy { $0 == Float(rows) })
        }
    }

    struct GroupNorm {
        @Test func matchesReferenceAndAffine() throws {
            let n = 2, c = 6, s = 5, g = 3
            let x = Fixtures.randn([n, c, s], seed: 11, std: 3) + 4
            let w = Fixtures.randn([c], seed: 12), b = Fixtures.randn([c], seed: 13)
            let y = try groupNorm(x, groups: g, weight: w, bias: b).validated()
            let ref = referenceNormalise(x.scalars, groupOf: { i in (i / (c * s)) * g + ((i / s) % c) / (c / g) }, groups: n * g)
            let ws = w.scalars, bs = b.scalars
            #expect(closeTo(y.scalars, ref.enumerated().map { $0.element * Double(ws[($0.offset / s) % c]) + Double(bs[($0.offset / s) % c]) }, tolerance: 1e-5))
            // One group is layer norm over everything but the batch.
            let one = groupNorm(x, groups: 1, weight: nil, bias: nil)
            #expect(Fixtures.close(one.scalars, layerNorm(x.reshaped([n, c * s]), weight: nil, bias: nil).scalars, tolerance: 1e-5))
        }

        @Test func handComputedSmallCase() {
            // [1, 2, 2]: group 0 = {1, 3, 5, 7}: mean 4, var 5.
            let x = Tensor(shape: [1, 2, 2], data: [1, 3, 5, 7])
            let r = 1 / (5 + 1e-5).squareRoot()
            #expect(closeTo(groupNorm(x, groups: 1, weight: nil, bias: nil).scalars, [-3 * r, -r, r, 3 * r]))
            // two groups of one channel each: {1, 3} and {5, 7}, var 1
            let r1 = 1 / (1 + 1e-5).squareRoot()
            #expect(closeTo(groupNorm(x, groups: 2, weight: nil, bias: Tensor(shape: [2], data: [10, 20])).scalars,
                            [10 - r1, 10 + r1, 20 - r1, 20 + r1]))
        }

        @Test func badGroupsAndShapesAreErrors() {
            let x = Tensor.zeros([2, 6, 3])
            #expect(throws: TensorError.self) { try groupNorm(x, groups: 4, weight: nil, bias: nil).validated() }
            #expect(throws: TensorError.self) { try groupNorm(x, groups: 0, weight: nil, bias: nil).validated() }
            #expect(throws: TensorError.self) { try groupNorm(x, groups: 3, weight: Tensor.ones([3]), bias: nil).validated() }
            #expect(throws: TensorError.self) { try groupNorm(Tensor.zeros([6]), groups: 3, weight: nil, bias: nil).validated() }
        }

        @Test("gradients w.r.t. x, weight and bias", arguments: [([2, 6, 3], 3), ([3, 4, 2, 3], 2), ([2, 4, 5], 1), ([2, 3], 3)])
        func gradients(shape: [Int], groups: Int) throws {
            let c = shape[1]
            let inputs = [Fixtures.randn(shape, seed: 14, std: 2), Fixtures.randn([c], seed: 15), Fixtures.randn([c], seed: 16)]
            let result = try GradCheck.run(inputs) { groupNorm($0[0], groups: groups, weight: $0[1], bias: $0[2]) }
            #expect(result.maxError < 3e-3, "\(result)")
        }

        @Test func parallelPathMatchesSerial() {
            // 8 × 32 × 1024 = 262K elements takes the parallel row path.
            let x = Fixtures.randn([8, 32, 1024], seed: 17)
            let y = groupNorm(x, groups: 8, weight: nil, bias: nil)
            let ref = referenceNormalise(x.scalars, groupOf: { i in (i / (32 * 1024)) * 8 + ((i / 1024) % 32) / 4 }, groups: 64)
            #expect(closeTo(y.scalars, ref, tolerance: 1e-4))
        }
    }

    struct InstanceNorm {
        @Test func eachChannelHasZeroMeanUnitVariance() throws {
            let x = Fixtures.randn([2, 3, 40], seed: 21, std: 5) + 7
            let y = try instanceNorm(x).validated()
            let v = y.scalars
            for row in 0..<6 {
                let part = v[(row * 40)..<((row + 1) * 40)].map(Double.init)
                let mean = part.reduce(0, +) / 40
                let variance = part.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 40
                #expect(Swift.abs(mean) < 1e-5)
                #expect(Swift.abs(variance - 1) < 1e-3)     // 1 − eps/var
            }
            #expect(y.scalars == groupNorm(x, groups: 3, weight: nil, bias: nil).scalars)
        }

        @Test func oneSpatialElementIsAnError() {
            #expect(throws: TensorError.self) { try instanceNorm(Tensor.zeros([2, 3, 1])).validated() }
            #expect(throws: TensorError.self) { try instanceNorm(Tensor.zeros([3])).validated() }
        }

        @Test func gradient() throws {
            let result = try GradCheck.run([Fixtures.randn([2, 3, 7], seed: 22)]) { instanceNorm($0[0]) }
            #expect(result.maxError < 3e-3, "\(result)")
        }
    }

    struct BatchNorm {
        /// x [2, 2, 2]: channel 0 holds {1, 2, 3, 4} (mean 2.5, biased var 1.25, unbiased 5/3),
        /// channel 1 holds {2, 4, 6, 8} (mean 5, biased var 5, unbiased 20/3).
        let x = Tensor(shape: [2, 2, 2], data: [1, 2, 2, 4, 3, 4, 6, 8])

        @Test func trainingUsesBatchStatisticsAndUpdatesRunningStats() throws {
            let rm = Tensor.zeros([2]), rv = Tensor.ones([2])
            let w = Tensor(shape: [2], data: [2, 0.5]), b = Tensor(shape: [2], data: [1, -1])
            let y = try batchNorm(x, runningMean: rm, runningVar: rv, weight: w, bias: b, training: true).validated()
            let r0 = 1 / (1.25 + 1e-5).squareRoot(), r1 = 1 / (5 + 1e-5).squareRoot()
            let want: [Double] = [(1 - 2.5) * r0 * 2 + 1, (2 - 2.5) * r0 * 2 + 1, (2 - 5) * r1 * 0.5 - 1, (4 - 5) * r1 * 0.5 - 1,
                                  (3 - 2.5) * r0 * 2 + 1, (4 - 2.5) * r0 * 2 + 1, (6 - 5) * r1 * 0.5 - 1, (8 - 5) * r1 * 0.5 - 1]
            #expect(closeTo(y.scalars, want))
            // running = 0.9·running + 0.1·batch, with the unbiased variance
            #expect(closeTo(rm.scalars, [0.25, 0.5]))
            #expect(closeTo(rv.scalars, [0.9 + 0.1 * 5.0 / 3, 0.9 + 0.1 * 20.0 / 3]))
            _ = batchNorm(x, runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true, momentum: 0.5)
            #expect(closeTo(rm.scalars, [0.5 * 0.25 + 0.5 * 2.5, 0.5 * 0.5 + 0.5 * 5]))
        }

        @Test func evaluationUsesRunningStatsAndLeavesThemAlone() throws {
            let rm = Tensor(shape: [2], data: [1, -2]), rv = Tensor(shape: [2], data: [4, 0.25])
            let w = Tensor(shape: [2], data: [3, 1]), b = Tensor(shape: [2], data: [0, 2])
            let y = try batchNorm(x, runningMean: rm, runningVar: rv, weight: w, bias: b, training: false).validated()
            let s0 = 3 / (4 + 1e-5).squareRoot(), s1 = 1 / (0.25 + 1e-5).squareRoot()
            let xs = x.scalars.map(Double.init)
            let want = xs.enumerated().map { i, v in (i / 2) % 2 == 0 ? (v - 1) * s0 : (v + 2) * s1 + 2 }
            #expect(closeTo(y.scalars, want))
            #expect(rm.scalars == [1, -2] && rv.scalars == [4, 0.25])
        }

        @Test func noGradStillUpdatesRunningStats() {
            let rm = Tensor.zeros([2]), rv = Tensor.ones([2])
            _ = withNoGrad { batchNorm(x, runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true) }
            #expect(closeTo(rm.scalars, [0.25, 0.5]))
        }

        @Test func badShapesAreErrors() {
            let rm = Tensor.zeros([2]), rv = Tensor.ones([2])
            #expect(throws: TensorError.self) {
                try batchNorm(x, runningMean: Tensor.zeros([3]), runningVar: rv, weight: nil, bias: nil, training: true).validated()
            }
            #expect(throws: TensorError.self) {
                try batchNorm(x, runningMean: rm, runningVar: rv, weight: Tensor.ones([2, 1]), bias: nil, training: false).validated()
            }
            // one value per channel cannot give a batch variance (PyTorch raises too)
            #expect(throws: TensorError.self) {
                try batchNorm(Tensor.zeros([1, 2]), runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true).validated()
            }
            #expect(throws: TensorError.self) {
                try batchNorm(Tensor.zeros([2]), runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true).validated()
            }
            #expect(batchNorm(Tensor.ones([1, 2]), runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false).failure == nil)
        }

        @Test("gradients w.r.t. x, weight and bias", arguments: [([4, 3, 2], true), ([5, 3], true), ([2, 3, 2, 3], true),
                                                                      ([4, 3, 2], false), ([5, 3], false)])
        func gradients(shape: [Int], training: Bool) throws {
            let c = shape[1]
            let inputs = [Fixtures.randn(shape, seed: 31, std: 2), Fixtures.randn([c], seed: 32), Fixtures.randn([c], seed: 33)]
            let runningVar = Fixtures.positive([c], seed: 34)
            let result = try GradCheck.run(inputs) {
                batchNorm($0[0], runningMean: Tensor.zeros([c]), runningVar: runningVar, weight: $0[1], bias: $0[2], training: training)
            }
            #expect(result.maxError < 3e-3, "\(result)")
        }
    }
}
