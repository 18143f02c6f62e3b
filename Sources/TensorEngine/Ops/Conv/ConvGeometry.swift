import CKernels

/// The sizes of one convolution call: the C kernels' `fia_conv_geometry` (input `[n, cin, h, w]`, weight
/// `[cout, cin / groups, kh, kw]`, output `[n, cout, hout, wout]`, stride, pad, dil, groups), so Swift and C
/// read one struct. Built validated by `make`; the forward kernels and the sizes derived from it are here,
/// the backward strategies in `ConvBackward.swift`.
typealias ConvGeometry = fia_conv_geometry

extension ConvGeometry {
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

    // MARK: Columns

    /// Column matrix of image `x` (one `[Cin, H, W]` plane stack) into `cols` `[kAll, p]`, rows `ldc` floats
    /// apart (more than p when images sit side by side); the channel range splits over the cores when `parallel`.
    func im2col(_ x: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, ldc: Int? = nil, parallel: Bool) {
        overChannels(parallel: parallel) { fia_im2col(self, x, cols, ldc ?? p, $0.lowerBound, $0.upperBound) }
    }

    /// The adjoint: dx += the folded rows of `cols` (rows `ldc` floats apart).
    func col2im(_ cols: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, ldc: Int? = nil, parallel: Bool) {
        overChannels(parallel: parallel) { fia_col2im(self, cols, ldc ?? p, dx, $0.lowerBound, $0.upperBound) }
    }

    private func overChannels(parallel: Bool, _ body: (Range<Int>) -> Void) {
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

    // MARK: Forward

    /// Y = W·columns + bias, image by image.
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

    /// Output planes of a depthwise convolution, split over the cores.
    func depthwiseForward(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                          _ y: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(n * cout, grain: depthwisePlaneGrain) { fia_depthwise_forward(self, x, wt, bias, y, $0.lowerBound, $0.upperBound) }
    }

    /// Planes per chunk for the depthwise kernels (about 32K multiply-adds).
    var depthwisePlaneGrain: Int { max(1, (1 << 15) / max(1, p * kh * kw)) }
}
