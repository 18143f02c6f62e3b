import CKernels
import Foundation

/// 2-D convolution (cross-correlation, as PyTorch's `F.conv2d`), NCHW.
///
/// - Parameters:
///   - x: `[N, Cin, H, W]`.
///   - weight: `[Cout, Cin / groups, kh, kw]`.
///   - bias: `[Cout]`, or nil.
///   - stride, padding, dilation: the same in both spatial dimensions; padding is zeros.
///   - groups: input and output channels split into `groups` independent convolutions (`groups == Cin`
///     is depthwise; then `Cout` may be any multiple of `Cin`).
/// - Returns: `[N, Cout, Hout, Wout]` with `Hout = (H + 2·padding − dilation·(kh − 1) − 1) / stride + 1`.
///
/// Cost: `N·Cout·Hout·Wout·(Cin/groups)·kh·kw` MACs (bias adds are not counted).
/// Implementation: im2col + sgemm with the weights as A (`[Cout, Cin·kh·kw]`) and the pixels of one image as
/// the wide dimension; a 1×1 stride-1 convolution skips im2col; depthwise convolutions run a direct kernel.
/// The input gradient of a stride-1 square-kernel convolution is itself computed as a convolution (see
/// `ConvGeometry.inputGradientConvolution`); other shapes use Wᵀ·dY and col2im.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                   dilation: Int = 1, groups: Int = 1) -> Tensor {
    if let bad = Tensor.firstFailure(x, weight) { return bad }
    if let bias, bias.failure != nil { return bias }
    let g: ConvGeometry
    switch ConvGeometry.make(x.shape, weight.shape, bias?.shape, stride, padding, dilation, groups) {
    case .failure(let error): return Tensor(failure: error)
    case .success(let geometry): g = geometry
    }
    let y = Tensor(shape: [g.n, g.cout, g.hout, g.wout], storage: Storage(uninitialized: g.n * g.cout * g.p))
    Cost.add(macs: g.n * g.cout * g.p * g.kGroup)
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    if g.isDepthwise {
        g.depthwiseForward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, y.storage.pointer)
        return y.recordingGradient(ofInputs: inputs, op: "conv2d") { gy in
            [x.requiresGrad ? g.depthwiseBackwardInput(gy, weight) : nil,
             weight.requiresGrad ? g.depthwiseBackwardWeight(x, gy) : nil]
                + (bias.map { [$0.requiresGrad ? g.biasGradient(gy) : nil] } ?? [])
        }
    }
    g.gemmForward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, y.storage.pointer)
    return y.recordingGradient(ofInputs: inputs, op: OpProfile.name("conv2d", "\(x.shape) ⋆ \(weight.shape) /\(stride)")) { gy in
        let (gx, gw) = g.gemmBackward(x, weight, gy, needInput: x.requiresGrad, needWeight: weight.requiresGrad)
        return [gx, gw] + (bias.map { [$0.requiresGrad ? g.biasGradient(gy) : nil] } ?? [])
    }
}

/// The sizes of one convolution call, validated, and its kernels.
struct ConvGeometry {
    let n, cin, h, w, cout, kh, kw, stride, pad, dil, groups, hout, wout: Int
    /// Pixels per output plane.
    var p: Int { hout * wout }
    /// Input channels per group, output channels per group.
    var cinGroup: Int { cin / groups }
    var coutGroup: Int { cout / groups }
    /// GEMM depth per group: rows of the column matrix that one group's weights read.
    var kGroup: Int { cinGroup * kh * kw }
    /// Rows of the whole column matrix.
    var kAll: Int { cin * kh * kw }
    /// 1×1, stride 1, no padding: the input plane already is the column matrix.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && pad == 0 }
    /// groups == Cin > 1: one input channel per group; a direct kernel beats a GEMM of depth kh·kw.
    var isDepthwise: Bool { groups > 1 && cinGroup == 1 }

    static func make(_ xs: [Int], _ ws: [Int], _ bs: [Int]?, _ stride: Int, _ pad: Int, _ dil: Int,
                     _ groups: Int) -> Result<ConvGeometry, TensorError> {
        func mismatch(_ detail: String) -> Result<ConvGeometry, TensorError> {
            .failure(.shapeMismatch(op: "conv2d", lhs: xs, rhs: ws, detail: detail))
        }
        func invalid(_ detail: String) -> Result<ConvGeometry, TensorError> {
            .failure(.invalidArgument(op: "conv2d", detail: detail))
        }
        guard xs.count == 4 else { return mismatch("the input must be 4-D [N, Cin, H, W]") }
        guard ws.count == 4 else { return mismatch("the weight must be 4-D [Cout, Cin/groups, kh, kw]") }
        guard stride >= 1, pad >= 0, dil >= 1 else {
            return invalid("stride \(stride) and dilation \(dil) must be ≥ 1 and padding \(pad) ≥ 0 (input \(xs), weight \(ws))")
        }
        guard groups >= 1, xs[1] % groups == 0, ws[0] % groups == 0 else {
            return invalid("groups \(groups) must divide both the input channels of \(xs) and the output channels of \(ws)")
        }
        guard ws[1] * groups == xs[1] else {
            return mismatch("the weight expects \(ws[1] * groups) input channels (\(ws[1]) per group × \(groups) groups) but the input has \(xs[1])")
        }
        if let bs, bs != [ws[0]] {
            return .failure(.shapeMismatch(op: "conv2d", lhs: bs, rhs: ws, detail: "the bias must be [Cout] = [\(ws[0])]"))
        }
        let hout = (xs[2] + 2 * pad - dil * (ws[2] - 1) - 1) / stride + 1
        let wout = (xs[3] + 2 * pad - dil * (ws[3] - 1) - 1) / stride + 1
        let spanH = xs[2] + 2 * pad - dil * (ws[2] - 1) - 1, spanW = xs[3] + 2 * pad - dil * (ws[3] - 1) - 1
        guard ws[2] >= 1, ws[3] >= 1, spanH >= 0, spanW >= 0, hout >= 1, wout >= 1 else {
            return invalid("the dilated kernel \(ws[2])×\(ws[3]) (dilation \(dil)) does not fit the padded input \(xs) with padding \(pad): the output would be empty")
        }
        return .success(ConvGeometry(n: xs[0], cin: xs[1], h: xs[2], w: xs[3], cout: ws[0], kh: ws[2], kw: ws[3],
                                     stride: stride, pad: pad, dil: dil, groups: groups, hout: hout, wout: wout))
    }

    // MARK: GEMM path

    /// Column matrix of image `x` (one `[Cin, H, W]` plane stack) into `cols` `[kAll, p]`, rows `ldc` floats
    /// apart (more than p when images sit side by side); the channel range splits over the cores when `parallel`.
    func im2col(_ x: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, ldc: Int? = nil, parallel: Bool) {
        let body = { (r: Range<Int>) in
            fia_im2col(x, Int64(h), Int64(w), Int64(kh), Int64(kw), Int64(stride), Int64(pad), Int64(dil),
                       Int64(hout), Int64(wout), cols, Int64(ldc ?? p), Int64(r.lowerBound), Int64(r.upperBound))
        }
        if parallel { Parallel.forChunks(cin, grain: max(1, 32_768 / max(1, kh * kw * p))) { body($0) } } else { body(0..<cin) }
    }

    /// The adjoint: dx += the folded rows of `cols` (rows `ldc` floats apart).
    func col2im(_ cols: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, ldc: Int? = nil, parallel: Bool) {
        let body = { (r: Range<Int>) in
            fia_col2im(cols, Int64(ldc ?? p), Int64(h), Int64(w), Int64(kh), Int64(kw), Int64(stride), Int64(pad), Int64(dil),
                       Int64(hout), Int64(wout), dx, Int64(r.lowerBound), Int64(r.upperBound))
        }
        if parallel { Parallel.forChunks(cin, grain: max(1, 32_768 / max(1, kh * kw * p))) { body($0) } } else { body(0..<cin) }
    }

    /// Runs `body(images, scratch, parallelInside)` over chunks of images. With at least as many images as
    /// cores, each core takes a chunk of whole images (the GEMMs inside run serially: they are in a parallel
    /// region); with fewer, one chunk runs and the work inside each image (im2col, GEMM splits) uses the cores.
    func forEachChunk(scratchCount: Int, _ body: (Range<Int>, UnsafeMutablePointer<Float>, Bool) -> Void) {
        guard n > 0 else { return }
        if n >= Parallel.workers && Parallel.workers > 1 {
            Parallel.forChunks(n, grain: 1) { images in
                let scratch = Storage(uninitialized: scratchCount)
                body(images, scratch.pointer, false)
            }
        } else {
            let scratch = Storage(uninitialized: scratchCount)
            body(0..<n, scratch.pointer, true)
        }
    }

    // MARK: Backward with images side by side (small maps)

    /// Below this many output pixels per image, the backward pass lays the images of a batch side by side.
    /// Per image, dW accumulates one rank-p update per image (p = 4 on this model's 2×2 maps: 16 passes over
    /// dW for 16 images, and a 1×1 conv's backward there ran slower on two cores than on one); side by side it
    /// is one GEMM of depth N·p that splits over the cores. Measured with `ablate-bench model --profile`:
    /// 1×1 convs on 2×2 maps 2.8 → 1.3 ms per step backward, on 4×4 2.1 → 1.8; on 8×8 no gain (1.55 → 1.6),
    /// so the limit. The forward pass stays per image: side by side it was slower at every size (the
    /// regrouping copies cost more than the wider GEMM saves when dW is not involved).
    static let sideBySideBelowPixels = 32
    /// Floats a group's column matrix may take.
    static let columnBudget = 1 << 22

    /// Whether the backward pass lays images side by side (small maps, more than one image).
    var sideBySide: Bool { p < ConvGeometry.sideBySideBelowPixels && n > 1 }

    /// Images per side-by-side GEMM: as many as fit `columnBudget`.
    var imagesPerGroup: Int { Swift.max(1, Swift.min(n, ConvGeometry.columnBudget / Swift.max(1, Swift.max(kAll, cout) * p))) }

    /// Calls `body(first, count)` for consecutive groups of `size` images, in order.
    func forEachGroup(size: Int, _ body: (Int, Int) -> Void) {
        for first in Swift.stride(from: 0, to: n, by: size) { body(first, Swift.min(size, n - first)) }
    }

    /// `src [count, C, p]` → `dst [C, count·p]` (the engine's strided gather: a copy of p floats per row).
    func batchToChannels(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, channels: Int, count: Int) {
        Tensor.gather([channels, count, p], strides: [p, channels * p, 1], from: src, into: dst)
    }

    /// `src [C, count·p]` → `dst [count, C, p]`.
    func channelsToBatch(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, channels: Int, count: Int) {
        Tensor.gather([count, channels, p], strides: [p, count * p, 1], from: src, into: dst)
    }

    /// The column matrix `[kAll, count·p]` of images [first, first + count): image j's pixels are columns
    /// j·p ..< (j+1)·p. A pointwise convolution's columns are its input planes, regrouped.
    func columns(_ x: UnsafePointer<Float>, first: Int, count: Int, into cols: UnsafeMutablePointer<Float>) {
        let inPlane = cin * h * w, wide = count * p
        if isPointwise { batchToChannels(x + first * inPlane, cols, channels: cin, count: count); return }
        Parallel.forChunks(count, grain: Swift.max(1, Parallel.mapGrain / Swift.max(1, kAll * p))) { images in
            for j in images { im2col(x + (first + j) * inPlane, cols + j * p, ldc: wide, parallel: false) }
        }
    }

    /// dW = Σ_groups dY·colsᵀ (accumulated in group order) and dX = col2im(Wᵀ·dY), `size` images at a time.
    func sideBySideBackward(_ x: Tensor, _ weight: Tensor, _ gy: Tensor, needInput: Bool, needWeight: Bool,
                            size: Int) -> (Tensor?, Tensor?) {
        let inPlane = cin * h * w
        let xp = x.storage.pointer, wp = weight.storage.pointer, gp = gy.storage.pointer
        let gx = needInput ? Tensor(shape: x.shape, storage: Storage(uninitialized: x.count)) : nil
        let gw = needWeight ? Tensor(shape: weight.shape, storage: Storage(uninitialized: weight.count)) : nil
        // Scratch: [columns | column gradients | dY regrouped]
        let scratch = Storage(uninitialized: (2 * kAll + cout) * size * p)
        let cols = scratch.pointer, dcols = cols + kAll * size * p, dy = dcols + kAll * size * p
        forEachGroup(size: size) { first, count in
            let wide = count * p
            batchToChannels(gp + first * cout * p, dy, channels: cout, count: count)
            if let gw {
                columns(xp, first: first, count: count, into: cols)
                for gi in 0..<groups {   // dW_g [coutG, kG] (+)= dY_g [coutG, wide] · cols_gᵀ [wide, kG]
                    sgemm(transA: false, transB: true, m: coutGroup, n: kGroup, k: wide, dy + gi * coutGroup * wide,
                          cols + gi * kGroup * wide, gw.storage.pointer + gi * coutGroup * kGroup, accumulate: first > 0)
                }
            }
            guard let gx else { return }
            for gi in 0..<groups {   // dcols_g [kG, wide] = W_gᵀ [kG, coutG] · dY_g [coutG, wide]
                sgemm(transA: true, transB: false, m: kGroup, n: wide, k: coutGroup, wp + gi * coutGroup * kGroup,
                      dy + gi * coutGroup * wide, dcols + gi * kGroup * wide)
            }
            let gxp = gx.storage.pointer + first * inPlane
            if isPointwise { channelsToBatch(dcols, gxp, channels: cin, count: count); return }
            Parallel.forChunks(count, grain: Swift.max(1, Parallel.mapGrain / Swift.max(1, kAll * p))) { images in
                for j in images {
                    (gxp + j * inPlane).update(repeating: 0, count: inPlane)
                    col2im(dcols + j * p, gxp + j * inPlane, ldc: wide, parallel: false)
                }
            }
        }
        return (gx, gw)
    }

    // MARK: Image by image

    func gemmForward(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                     _ y: UnsafeMutablePointer<Float>) {
        let inPlane = cin * h * w, outPlane = cout * p
        forEachChunk(scratchCount: isPointwise ? 0 : kAll * p) { images, cols, parallel in
            for i in images {
                let b: UnsafePointer<Float>
                if isPointwise { b = UnsafePointer(x + i * inPlane) } else { im2col(x + i * inPlane, cols, parallel: parallel); b = UnsafePointer(cols) }
                let yi = y + i * outPlane
                if let bias { fia_fill_rows(yi, bias, Int64(cout), Int64(p)) }
                for gi in 0..<groups {   // Y_g [coutG, p] = W_g [coutG, kG] · cols_g [kG, p]
                    sgemm(transA: false, transB: false, m: coutGroup, n: p, k: kGroup, wt + gi * coutGroup * kGroup,
                          b + gi * kGroup * p, yi + gi * coutGroup * p, accumulate: bias != nil)
                }
            }
        }
    }

    /// dX = col2im(Wᵀ·dY) and dW = Σ_images dY·colsᵀ, image by image (columns are recomputed, not kept);
    /// dX as a convolution of dY where `inputGradientConvolution` applies.
    /// - Parameters: sideBySide, imagesPerGroup: the layout (tests compare them); by default `self.sideBySide`
    ///   and `self.imagesPerGroup`. transposed: false forces col2im for dX (tests compare the two).
    func gemmBackward(_ x: Tensor, _ weight: Tensor, _ gy: Tensor, needInput: Bool, needWeight: Bool,
                      sideBySide: Bool? = nil, imagesPerGroup: Int? = nil, transposed: Bool = true) -> (Tensor?, Tensor?) {
        if needInput, transposed, let t = inputGradientConvolution {
            let gw = needWeight ? gemmBackward(x, weight, gy, needInput: false, needWeight: true, sideBySide: sideBySide,
                                               imagesPerGroup: imagesPerGroup).1 : nil
            return (t.inputGradient(gy, weight), gw)
        }
        if sideBySide ?? self.sideBySide {
            return sideBySideBackward(x, weight, gy, needInput: needInput, needWeight: needWeight, size: imagesPerGroup ?? self.imagesPerGroup)
        }
        let inPlane = cin * h * w, outPlane = cout * p
        let xp = x.storage.pointer, wp = weight.storage.pointer, gp = gy.storage.pointer
        let gx = needInput ? Tensor(shape: x.shape, storage: Storage(uninitialized: x.count)) : nil
        let gw = needWeight ? Tensor.zeros(weight.shape) : nil
        let lock = NSLock()
        var partials: [(Int, Storage)] = []
        let colsCount = isPointwise ? 0 : kAll * p
        // Scratch: [columns | column gradients | this chunk's dW partial sum]
        forEachChunk(scratchCount: 2 * colsCount + weight.count) { images, scratch, parallel in
            let cols = scratch, dcols = scratch + colsCount, partial = scratch + 2 * colsCount
            for i in images {
                let gyi = gp + i * outPlane
                if gw != nil {
                    let b: UnsafePointer<Float>
                    if isPointwise { b = UnsafePointer(xp + i * inPlane) } else { im2col(xp + i * inPlane, cols, parallel: parallel); b = UnsafePointer(cols) }
                    for gi in 0..<groups {   // dW_g [coutG, kG] += dY_g [coutG, p] · cols_gᵀ [p, kG]
                        sgemm(transA: false, transB: true, m: coutGroup, n: kGroup, k: p, gyi + gi * coutGroup * p,
                              b + gi * kGroup * p, partial + gi * coutGroup * kGroup, accumulate: i != images.lowerBound)
                    }
                }
                if let gx {
                    let gxi = gx.storage.pointer + i * inPlane
                    let out = isPointwise ? gxi : dcols
                    for gi in 0..<groups {   // dcols_g [kG, p] = W_gᵀ [kG, coutG] · dY_g [coutG, p]
                        sgemm(transA: true, transB: false, m: kGroup, n: p, k: coutGroup, wp + gi * coutGroup * kGroup,
                              gyi + gi * coutGroup * p, out + gi * kGroup * p)
                    }
                    if !isPointwise {
                        gxi.update(repeating: 0, count: inPlane)
                        col2im(dcols, gxi, parallel: parallel)
                    }
                }
            }
            if gw != nil, !images.isEmpty {
                let copy = Storage(uninitialized: weight.count)
                fia_copy(partial, copy.pointer, weight.count)
                lock.lock(); partials.append((images.lowerBound, copy)); lock.unlock()
            }
        }
        // Sum the chunks' partial dW in image order, so the result does not depend on which core
        // finished first (bit-identical reruns: a resumed ablation reproduces an uninterrupted one).
        if let gw {
            for (_, p) in partials.sorted(by: { $0.0 < $1.0 }) { fia_add_inplace(gw.storage.pointer, p.pointer, weight.count) }
        }
        return (gx, gw)
    }

    // MARK: Input gradient as a convolution

    /// For a stride-1 convolution with a square kernel and one group, dX is itself a convolution: of dY with
    /// the weights transposed (in ↔ out channels) and flipped, padding dil·(k − 1) − pad, same dilation. Its
    /// column matrix is built from dY's Cout channels instead of scattering Cin·k² column gradients back
    /// (col2im), and it runs through the forward path. At the decoder's 3×3 convs (batch 16, backward with the
    /// two paths alternated in one process, medians): 384 channels on 4×4 maps 4.45 → 2.72 ms, 96 on 16×16
    /// 7.13 → 6.59, 128 on 8×8 2.85 → 2.64, 64 channels on 4×4 to 16×16 within ±0.1 ms. Images side by side
    /// (one GEMM per batch) was no faster for this forward pass at any of those sizes.
    /// Nil where that does not hold (strides, grouped, non-square kernels, 1×1: those keep Wᵀ·dY + col2im).
    var inputGradientConvolution: ConvGeometry? {
        guard stride == 1, groups == 1, kh == kw, !isPointwise, pad <= dil * (kh - 1) else { return nil }
        return ConvGeometry(n: n, cin: cout, h: hout, w: wout, cout: cin, kh: kh, kw: kw, stride: 1,
                            pad: dil * (kh - 1) - pad, dil: dil, groups: 1, hout: h, wout: w)
    }

    /// dX = this convolution (see `inputGradientConvolution`, of which `self` is the geometry) applied to dY
    /// with `weight [Cin_x, Cout_x, k, k]` (the original layer's) transposed and flipped.
    func inputGradient(_ gy: Tensor, _ weight: Tensor) -> Tensor {
        let taps = kh * kw
        let flipped = Storage(uninitialized: weight.count)   // [cout = the layer's Cin, cin = its Cout, k, k], taps reversed
        Tensor.gather([cout, cin, taps], strides: [taps, cout * taps, -1], from: weight.storage.pointer + taps - 1,
                      into: flipped.pointer)
        let gx = Tensor(shape: [n, cout, hout, wout], storage: Storage(uninitialized: n * cout * p))
        gemmForward(gy.storage.pointer, flipped.pointer, nil, gx.storage.pointer)
        return gx
    }

    /// dBias[o] = Σ over images and pixels of dY[·, o].
    func biasGradient(_ gy: Tensor) -> Tensor {
        Tensor(shape: [cout]) { out in
            let gp = gy.storage.pointer
            Parallel.forChunks(cout, grain: max(1, Parallel.mapGrain / max(1, n * p))) { r in
                fia_channel_sum(gp, out, Int64(n), Int64(cout), Int64(p), Int64(r.lowerBound), Int64(r.upperBound))
            }
        }
    }

    // MARK: Depthwise path

    private var mult: Int { cout / cin }
    private var planeGrain: Int { max(1, (1 << 15) / max(1, p * kh * kw)) }

    func depthwiseForward(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                          _ y: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(n * cout, grain: planeGrain) { r in
            fia_depthwise_forward(x, wt, bias, y, Int64(cin), Int64(mult), Int64(h), Int64(w), Int64(kh), Int64(kw),
                                  Int64(stride), Int64(pad), Int64(dil), Int64(hout), Int64(wout),
                                  Int64(r.lowerBound), Int64(r.upperBound))
        }
    }

    func depthwiseBackwardInput(_ gy: Tensor, _ weight: Tensor) -> Tensor {
        let gx = Tensor(shape: [n, cin, h, w], storage: Storage(uninitialized: n * cin * h * w))
        let gp = gy.storage.pointer, wp = weight.storage.pointer, out = gx.storage.pointer
        Parallel.forChunks(n * cin, grain: planeGrain) { r in
            fia_depthwise_backward_input(gp, wp, out, Int64(cin), Int64(mult), Int64(h), Int64(w), Int64(kh), Int64(kw),
                                         Int64(stride), Int64(pad), Int64(dil), Int64(hout), Int64(wout),
                                         Int64(r.lowerBound), Int64(r.upperBound))
        }
        return gx
    }

    func depthwiseBackwardWeight(_ x: Tensor, _ gy: Tensor) -> Tensor {
        let gw = Tensor(shape: [cout, 1, kh, kw], storage: Storage(uninitialized: cout * kh * kw))
        let xp = x.storage.pointer, gp = gy.storage.pointer, out = gw.storage.pointer
        Parallel.forChunks(cout, grain: max(1, planeGrain / max(1, n))) { r in
            fia_depthwise_backward_weight(xp, gp, out, Int64(n), Int64(cin), Int64(mult), Int64(h), Int64(w), Int64(kh),
                                          Int64(kw), Int64(stride), Int64(pad), Int64(dil), Int64(hout), Int64(wout),
                                          Int64(r.lowerBound), Int64(r.upperBound))
        }
        return gw
    }
}
