import Testing
@testable import TensorEngine
import TestSupport

/// Convolution: forward against hand-computed values and a direct Double reference, finite-difference
/// gradients over every code path (GEMM, 1×1, grouped, depthwise; one image and several), MACs, errors.
struct ConvTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let x: [Int], w: [Int]
        var bias = false, stride = 1, padding = 0, dilation = 1, groups = 1
        var testDescription: String { name }

        func inputs() -> [Tensor] {
            [Fixtures.randn(x, seed: 21), Fixtures.randn(w, seed: 22, std: 0.5)] + (bias ? [Fixtures.randn([w[0]], seed: 23)] : [])
        }
        func apply(_ t: [Tensor]) -> Tensor {
            conv2d(t[0], weight: t[1], bias: bias ? t[2] : nil, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }

    static let cases: [Case] = [
        Case(name: "3×3 pad 1, bias, two images", x: [2, 3, 5, 4], w: [4, 3, 3, 3], bias: true, padding: 1),
        Case(name: "non-square 3×2 kernel, stride 2, pad 1, one image", x: [1, 2, 7, 6], w: [3, 2, 3, 2], stride: 2, padding: 1),
        Case(name: "dilation 2, pad 2", x: [2, 2, 7, 7], w: [2, 2, 3, 3], padding: 2, dilation: 2),
        Case(name: "groups 2, bias", x: [2, 4, 5, 5], w: [6, 2, 3, 3], bias: true, padding: 1, groups: 2),
        Case(name: "groups 2, one image, stride 2", x: [1, 4, 6, 5], w: [4, 2, 2, 3], stride: 2, groups: 2),
        Case(name: "depthwise 3×3 pad 1, bias", x: [2, 3, 6, 5], w: [3, 1, 3, 3], bias: true, padding: 1, groups: 3),
        Case(name: "depthwise ×2 multiplier, stride 2, dilation 2", x: [2, 2, 9, 8], w: [4, 1, 3, 3], stride: 2, padding: 2, dilation: 2, groups: 2),
        Case(name: "pointwise 1×1, bias", x: [3, 3, 4, 5], w: [5, 3, 1, 1], bias: true),
        Case(name: "1×1 stride 2 (im2col path)", x: [2, 3, 5, 5], w: [2, 3, 1, 1], stride: 2),
        Case(name: "kernel covers the whole input", x: [2, 2, 3, 3], w: [3, 2, 3, 3], bias: true),
        // Maps over 64 pixels: im2col copies shifted planes (stride 1, Wout = W) or goes line by line.
        Case(name: "3×3 pad 1 on 9×8 maps, three images", x: [3, 3, 9, 8], w: [4, 3, 3, 3], bias: true, padding: 1),
        Case(name: "3×3 without padding on 11×12 maps", x: [2, 2, 11, 12], w: [3, 2, 3, 3]),
        Case(name: "3×3 dilation 2, pad 1 on 10×9 maps", x: [2, 2, 10, 9], w: [2, 2, 3, 3], padding: 1, dilation: 2),
        Case(name: "3×1 kernel (rows shrink, columns stay) on 10×9", x: [2, 2, 10, 9], w: [3, 2, 3, 1]),
        Case(name: "3×3 stride 2 pad 1 on 17×17 maps", x: [2, 2, 17, 17], w: [3, 2, 3, 3], stride: 2, padding: 1),
    ]

    @Test("finite differences agree with autograd", arguments: cases)
    func gradient(_ c: Case) throws {
        // Conv is linear in each input, so central differences are exact up to float32 rounding of
        // L = Σ R⊙y: about eps·Σ|R⊙y|/h ≈ 1.2e-7·(≤ 500 terms of size ≤ 10)/1e-2 → ≤ 1e-3 in the worst case.
        let result = try GradCheck.run(c.inputs()) { c.apply($0) }
        #expect(result.maxError < 3e-3, "\(c.name): \(result)")
    }

    @Test("forward matches a direct Double convolution", arguments: cases)
    func forwardMatchesReference(_ c: Case) throws {
        let t = c.inputs()
        let y = try c.apply(t).validated()
        let ref = Self.reference(t[0], t[1], c.bias ? t[2] : nil, c)
        #expect(y.shape == ref.shape)
        // Each output sums ≤ 54 products of O(1) values: float32 error ≤ ~54·eps·Σ|terms| ≪ 1e-5 relative.
        #expect(Fixtures.close(y.scalars, ref.values, tolerance: 1e-5), "\(c.name)")
    }

    /// A 1-channel 3×3 conv on the 4×4 ramp x[i,j] = 4i + j with the asymmetric kernel w[a,b] = 3a + b:
    /// y[i,j] = Σ w[a,b]·x[i+a, j+b] = 36·(4i + j) + Σ (3a+b)(4a+b) = 36·(4i + j) + 258 (cross-correlation,
    /// not a flipped convolution).
    @Test func rampWithAsymmetricKernel() throws {
        let x = Tensor(shape: [1, 1, 4, 4], data: (0..<16).map(Float.init))
        let w = Tensor(shape: [1, 1, 3, 3], data: (0..<9).map(Float.init))
        #expect(try conv2d(x, weight: w).validated().scalars == [258, 294, 402, 438])
        // Padding 1: the corner window sees x[0..1, 0..1] with taps w[1..2, 1..2]: 4·0 + 5·1 + 7·4 + 8·5 = 73.
        let padded = try conv2d(x, weight: w, bias: Tensor(shape: [1], data: [0.5]), padding: 1).validated()
        #expect(padded.shape == [1, 1, 4, 4])
        #expect(padded[0, 0, 0, 0] == 73.5)
        // Stride 2 with padding 1 keeps the padded windows at rows/cols −1 and 1.
        let strided = try conv2d(x, weight: w, stride: 2, padding: 1).validated()
        #expect(strided.shape == [1, 1, 2, 2])
        #expect(strided[0, 0, 0, 0] == 73)
        #expect(strided[0, 0, 1, 1] == padded[0, 0, 2, 2] - 0.5)
    }

    @Test func macCountIsTheFormula() {
        let counter = CostCounter()
        Cost.counting(into: counter) {
            Cost.scope("conv") { _ = conv2d(Tensor.zeros([2, 4, 9, 7]), weight: Tensor.zeros([6, 2, 3, 3]), stride: 2, padding: 1, groups: 2) }
            Cost.scope("dw") { _ = conv2d(Tensor.zeros([1, 3, 5, 5]), weight: Tensor.zeros([3, 1, 3, 3]), padding: 1, groups: 3) }
        }
        // N·Cout·Hout·Wout·(Cin/groups)·kh·kw with Hout = (9 + 2 − 3)/2 + 1 = 5, Wout = (7 + 2 − 3)/2 + 1 = 4.
        #expect(counter.macs["conv"] == 2 * 6 * 5 * 4 * 2 * 3 * 3)
        #expect(counter.macs["dw"] == 1 * 3 * 5 * 5 * 1 * 3 * 3)
    }

    @Test func imageByImageAndWholeBatchAgree() throws {
        // Several images use the per-core path (OpenBLAS single-threaded); one image the threaded path.
        let x = Fixtures.randn([5, 8, 6, 6], seed: 31), w = Fixtures.randn([7, 8, 3, 3], seed: 32)
        let whole = try conv2d(x, weight: w, padding: 1).validated()
        for i in 0..<5 {
            let one = try conv2d(x.slice(axis: 0, i..<(i + 1)), weight: w, padding: 1).validated()
            #expect(Fixtures.close(one.scalars, whole.slice(axis: 0, i..<(i + 1)).scalars, tolerance: 1e-6))
        }
    }

    @Test("the backward pass with images side by side equals the image-by-image one", arguments: [
        ([4, 6, 2, 2], [8, 6, 1, 1], 1, 0, 1),    // 1×1 on 2×2 maps, as in the model's last stage
        ([5, 4, 4, 4], [6, 2, 3, 3], 1, 1, 2),    // grouped 3×3, padding
        ([3, 3, 7, 5], [4, 3, 3, 2], 2, 1, 1),    // stride 2, non-square kernel and map
    ])
    func sideBySideBackwardMatchesImageByImage(_ xs: [Int], _ ws: [Int], _ stride: Int, _ padding: Int, _ groups: Int) throws {
        let x = Fixtures.randn(xs, seed: 41), w = Fixtures.randn(ws, seed: 42)
        let g = try ConvGeometry.make(xs, ws, nil, stride, padding, 1, groups).get()
        #expect(g.backwardStrategy == .columns(.sideBySide(imagesPerGroup: g.n)),
                "maps under \(ConvGeometry.sideBySideBelowPixels) pixels take the side-by-side path by default")
        let gy = Fixtures.randn([g.n, g.cout, g.hout, g.wout], seed: 43)
        let (dx, dw) = g.backward(x, w, gy, needInput: true, needWeight: true, strategy: .columns(.imageByImage))
        // One group of all images, and groups of two (dW then accumulates across groups; the last is short).
        for size in [g.n, 2] {
            let (sx, sw) = g.backward(x, w, gy, needInput: true, needWeight: true, strategy: .columns(.sideBySide(imagesPerGroup: size)))
            #expect(Fixtures.close(try #require(sx).scalars, try #require(dx).scalars, tolerance: 1e-5))
            #expect(Fixtures.close(try #require(sw).scalars, try #require(dw).scalars, tolerance: 1e-5))
        }
    }

    /// Every strategy that applies to a case's sizes gives the same dX and dW as the one `backwardStrategy`
    /// chooses (the depthwise kernels against the grouped GEMMs, dX as a convolution against col2im, images
    /// side by side against image by image), with only dX, only dW, or both wanted.
    @Test("every applicable backward strategy agrees with the chosen one", arguments: cases)
    func backwardStrategiesAgree(_ c: Case) throws {
        let t = c.inputs()
        let g = try ConvGeometry.make(c.x, c.w, nil, c.stride, c.padding, c.dilation, c.groups).get()
        let gy = Fixtures.randn([g.n, g.cout, g.hout, g.wout], seed: 44)
        let layouts: [ConvBackwardStrategy.Layout] = [.imageByImage, .sideBySide(imagesPerGroup: 1), .sideBySide(imagesPerGroup: g.n)]
        let strategies = layouts.flatMap { layout in
            [ConvBackwardStrategy.columns(layout)] + (g.inputGradientConvolution != nil ? [.transposedConvolution(layout)] : [])
        } + (g.isDepthwise ? [.depthwise] : [])
        let (dx, dw) = g.backward(t[0], t[1], gy, needInput: true, needWeight: true, strategy: g.backwardStrategy)
        for s in strategies {
            let (sx, sw) = g.backward(t[0], t[1], gy, needInput: true, needWeight: true, strategy: s)
            #expect(Fixtures.close(try #require(sx).scalars, try #require(dx).scalars, tolerance: 1e-5), "\(c.name): dX by \(s)")
            #expect(Fixtures.close(try #require(sw).scalars, try #require(dw).scalars, tolerance: 1e-5), "\(c.name): dW by \(s)")
            let (onlyX, noW) = g.backward(t[0], t[1], gy, needInput: true, needWeight: false, strategy: s)
            let (noX, onlyW) = g.backward(t[0], t[1], gy, needInput: false, needWeight: true, strategy: s)
            #expect(noW == nil && noX == nil)
            #expect(try #require(onlyX).scalars == (try #require(sx)).scalars, "\(c.name): dX alone by \(s)")
            #expect(try #require(onlyW).scalars == (try #require(sw)).scalars, "\(c.name): dW alone by \(s)")
        }
    }

    /// The choice: depthwise kernels for groups == Cin; dX as a convolution for stride-1 square kernels of one
    /// group; images side by side below `sideBySideBelowPixels` output pixels when there is more than one image.
    @Test func backwardStrategyFollowsTheSizes() throws {
        func strategy(_ xs: [Int], _ ws: [Int], stride: Int = 1, padding: Int = 0, groups: Int = 1) throws -> ConvBackwardStrategy {
            try ConvGeometry.make(xs, ws, nil, stride, padding, 1, groups).get().backwardStrategy
        }
        #expect(try strategy([2, 4, 8, 8], [4, 1, 3, 3], padding: 1, groups: 4) == .depthwise)
        #expect(try strategy([16, 8, 16, 16], [8, 8, 3, 3], padding: 1) == .transposedConvolution(.imageByImage))
        #expect(try strategy([16, 8, 4, 4], [8, 8, 3, 3], padding: 1) == .transposedConvolution(.sideBySide(imagesPerGroup: 16)))
        #expect(try strategy([1, 8, 4, 4], [8, 8, 3, 3], padding: 1) == .transposedConvolution(.imageByImage))
        #expect(try strategy([16, 8, 2, 2], [8, 8, 1, 1]) == .columns(.sideBySide(imagesPerGroup: 16)))
        #expect(try strategy([16, 8, 16, 16], [8, 8, 3, 3], stride: 2, padding: 1) == .columns(.imageByImage))
        #expect(try strategy([16, 8, 16, 16], [8, 4, 3, 3], padding: 1, groups: 2) == .columns(.imageByImage))
        // The side-by-side column matrix stays within the budget: 2^22 floats / (2304 rows · 16 pixels) = 113 images.
        #expect(try strategy([200, 256, 4, 4], [256, 256, 3, 3], padding: 1) == .transposedConvolution(.sideBySide(imagesPerGroup: 113)))
    }

    /// Every im2col route — the per-tap gather table (maps of ≤ 64 pixels), shifted-plane copies (stride 1 with
    /// Wout = W) and line-by-line copies (the rest) — against the definition, with rows wider than the map
    /// (ldc > p, as when images sit side by side) and a channel sub-range.
    @Test("im2col equals its definition", arguments: [
        ([3, 4, 4], [3, 3], 1, 1, 1), ([2, 5, 3], [3, 2], 2, 1, 1), ([2, 7, 7], [3, 3], 1, 2, 2),     // gather table
        ([3, 9, 8], [3, 3], 1, 1, 1), ([2, 10, 9], [3, 1], 1, 0, 1), ([2, 12, 10], [5, 5], 1, 4, 2),  // shifted planes
        ([1, 40, 2], [1, 5], 1, 2, 1),                                 // shifted by more than the width: zero rows
        ([2, 11, 12], [3, 3], 1, 0, 1), ([2, 17, 17], [3, 3], 2, 1, 1),                               // line by line
    ])
    func im2colEqualsDefinition(_ chw: [Int], _ k: [Int], _ stride: Int, _ padding: Int, _ dilation: Int) throws {
        let (c, h, w) = (chw[0], chw[1], chw[2])
        let g = try ConvGeometry.make([1, c, h, w], [1, c, k[0], k[1]], nil, stride, padding, dilation, 1).get()
        let x = Fixtures.randn([c, h, w], seed: 51).scalars
        let ldc = g.p + 3
        var cols = [Float](repeating: .nan, count: g.kAll * ldc)
        x.withUnsafeBufferPointer { xp in
            cols.withUnsafeMutableBufferPointer { cp in
                g.im2col(xp.baseAddress!, cp.baseAddress!, ldc: ldc, parallel: false)
            }
        }
        for ch in 0..<c { for i in 0..<k[0] { for j in 0..<k[1] { for oh in 0..<g.hout { for ow in 0..<g.wout {
            let ih = oh * stride - padding + i * dilation, iw = ow * stride - padding + j * dilation
            let expected: Float = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(ch * h + ih) * w + iw] : 0
            let got = cols[((ch * k[0] + i) * k[1] + j) * ldc + oh * g.wout + ow]
            #expect(got == expected, "channel \(ch) tap (\(i), \(j)) pixel (\(oh), \(ow))")
        } } } } }
        // The padding between rows is never written.
        for row in 0..<g.kAll { for t in g.p..<ldc { #expect(cols[row * ldc + t].isNaN) } }
    }

    /// dX as a convolution of dY with the flipped, transposed weights equals the col2im route (Wᵀ·dY folded
    /// back), on small maps, larger maps, without padding and with dilation.
    @Test("the input gradient as a convolution equals Wᵀ·dY folded by col2im", arguments: [
        ([4, 5, 4, 4], [3, 5, 3, 3], 1, 1), ([3, 3, 9, 8], [4, 3, 3, 3], 1, 1), ([2, 2, 11, 12], [3, 2, 3, 3], 0, 1),
        ([2, 3, 10, 9], [2, 3, 3, 3], 1, 2), ([2, 2, 6, 6], [3, 2, 5, 5], 2, 1),
    ])
    func inputGradientConvolutionMatchesCol2im(_ xs: [Int], _ ws: [Int], _ padding: Int, _ dilation: Int) throws {
        let x = Fixtures.randn(xs, seed: 61), w = Fixtures.randn(ws, seed: 62)
        let g = try ConvGeometry.make(xs, ws, nil, 1, padding, dilation, 1).get()
        let t = try #require(g.inputGradientConvolution)
        #expect([t.hout, t.wout, t.cout] == [xs[2], xs[3], xs[1]], "the gradient convolution maps dY back onto x's shape")
        let gy = Fixtures.randn([g.n, g.cout, g.hout, g.wout], seed: 63)
        let (viaConv, _) = g.backward(x, w, gy, needInput: true, needWeight: false, strategy: .transposedConvolution(.imageByImage))
        let (viaCol2im, _) = g.backward(x, w, gy, needInput: true, needWeight: false, strategy: .columns(.imageByImage))
        #expect(Fixtures.close(try #require(viaConv).scalars, try #require(viaCol2im).scalars, tolerance: 1e-5))
        // Where it does not apply: strides, groups, non-square kernels, 1×1.
        #expect(try ConvGeometry.make(xs, ws, nil, 2, padding, dilation, 1).get().inputGradientConvolution == nil)
        #expect(try ConvGeometry.make([2, 4, 6, 6], [4, 2, 3, 3], nil, 1, 1, 1, 2).get().inputGradientConvolution == nil)
        #expect(try ConvGeometry.make([2, 4, 6, 6], [4, 4, 3, 1], nil, 1, 1, 1, 1).get().inputGradientConvolution == nil)
        #expect(try ConvGeometry.make([2, 4, 6, 6], [4, 4, 1, 1], nil, 1, 0, 1, 1).get().inputGradientConvolution == nil)
    }

    @Test func sizeOneAndEmptyBatch() throws {
        let y = try conv2d(Tensor(shape: [1, 1, 1, 1], data: [3]), weight: Tensor(shape: [1, 1, 1, 1], data: [-2]),
                           bias: Tensor(shape: [1], data: [1])).validated()
        #expect(y.shape == [1, 1, 1, 1] && y.scalars == [-5])
        let empty = try conv2d(Tensor.zeros([0, 3, 4, 4]), weight: Tensor.zeros([2, 3, 3, 3]), padding: 1).validated()
        #expect(empty.shape == [0, 2, 4, 4])
    }

    @Test func badShapesGiveFailedTensors() {
        let x = Tensor.zeros([2, 4, 8, 8])
        // Channel mismatch: the message names the op and both shapes.
        let mismatch = conv2d(x, weight: Tensor.zeros([3, 3, 3, 3]))
        #expect(throws: TensorError.self) { try mismatch.validated() }
        if case .shapeMismatch(let op, let lhs, let rhs, _)? = mismatch.failure {
            #expect(op == "conv2d" && lhs == [2, 4, 8, 8] && rhs == [3, 3, 3, 3])
        } else { Issue.record("expected shapeMismatch, got \(String(describing: mismatch.failure))") }
        #expect("\(mismatch.failure!)".contains("[2, 4, 8, 8]") && "\(mismatch.failure!)".contains("[3, 3, 3, 3]"))
        // Wrong rank, groups not dividing, kernel larger than the padded input, bad bias, bad stride.
        #expect(conv2d(Tensor.zeros([4, 8, 8]), weight: Tensor.zeros([3, 4, 3, 3])).failure != nil)
        if case .invalidArgument? = conv2d(x, weight: Tensor.zeros([3, 2, 3, 3]), groups: 3).failure {} else { Issue.record("groups 3 of 4 channels") }
        if case .invalidArgument? = conv2d(x, weight: Tensor.zeros([2, 4, 11, 3])).failure {} else { Issue.record("empty output") }
        if case .shapeMismatch? = conv2d(x, weight: Tensor.zeros([3, 4, 3, 3]), bias: Tensor.zeros([4])).failure {} else { Issue.record("bias") }
        if case .invalidArgument? = conv2d(x, weight: Tensor.zeros([3, 4, 3, 3]), stride: 0).failure {} else { Issue.record("stride 0") }
    }

    /// Direct convolution in Double.
    static func reference(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ c: Case) -> (shape: [Int], values: [Float]) {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let hout = (h + 2 * c.padding - c.dilation * (kh - 1) - 1) / c.stride + 1
        let wout = (wd + 2 * c.padding - c.dilation * (kw - 1) - 1) / c.stride + 1
        let xs = x.scalars, ws = w.scalars, bs = b?.scalars
        let perGroup = cout / c.groups
        var out: [Float] = []
        for i in 0..<n { for o in 0..<cout { for oh in 0..<hout { for ow in 0..<wout {
            var s = Double(bs?[o] ?? 0)
            for k in 0..<cg {
                let ci = (o / perGroup) * cg + k
                for a in 0..<kh { for bb in 0..<kw {
                    let ih = oh * c.stride - c.padding + a * c.dilation, iw = ow * c.stride - c.padding + bb * c.dilation
                    guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
                    s += Double(xs[((i * cin + ci) * h + ih) * wd + iw]) * Double(ws[((o * cg + k) * kh + a) * kw + bb])
                } }
            }
            out.append(Float(s))
        } } } }
        _ = cin
        return ([n, cout, hout, wout], out)
    }
}
