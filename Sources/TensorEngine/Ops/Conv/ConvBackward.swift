import CKernels
import Foundation

/// How a convolution's backward pass computes dX and dW. `ConvGeometry.backwardStrategy` chooses from the
/// sizes; `ConvGeometry.backward` runs any strategy that applies, so tests compare each against the others.
enum ConvBackwardStrategy: Equatable {
    /// dX = col2im(Wᵀ·dY) and dW = Σ dY·columnsᵀ, in one pass over the images laid out as `Layout` says.
    case columns(Layout)
    /// dX as a convolution of dY with the flipped weights (`inputGradientConvolution`; stride 1, a square
    /// kernel, one group); dW, when wanted, as `.columns(layout)` does it.
    case transposedConvolution(Layout)
    /// Direct depthwise kernels for both (groups == Cin).
    case depthwise

    /// How the column GEMMs walk the batch.
    enum Layout: Equatable {
        /// One image at a time (columns recomputed, not kept); chunks of whole images on the cores.
        case imageByImage
        /// `imagesPerGroup` images side by side in one wide GEMM.
        case sideBySide(imagesPerGroup: Int)
    }
}

extension ConvGeometry {
    /// The backward strategy for these sizes; the measurements behind each rule are at the strategy.
    var backwardStrategy: ConvBackwardStrategy {
        if isDepthwise { return .depthwise }
        let layout: ConvBackwardStrategy.Layout =
            p < ConvGeometry.sideBySideBelowPixels && n > 1 ? .sideBySide(imagesPerGroup: imagesPerGroup) : .imageByImage
        return inputGradientConvolution != nil ? .transposedConvolution(layout) : .columns(layout)
    }

    /// dX and dW of this convolution (each only when needed) from dY, by `strategy`.
    func backward(_ x: Tensor, _ weight: Tensor, _ gy: Tensor, needInput: Bool, needWeight: Bool,
                  strategy: ConvBackwardStrategy) -> (Tensor?, Tensor?) {
        switch strategy {
        case .depthwise:
            return (needInput ? depthwiseBackwardInput(gy, weight) : nil, needWeight ? depthwiseBackwardWeight(x, gy) : nil)
        case .transposedConvolution(let layout) where needInput:
            guard let t = inputGradientConvolution else { preconditionFailure("conv2d: dX as a convolution needs stride 1, a square kernel and one group (\(self))") }
            let gw = needWeight ? backward(x, weight, gy, needInput: false, needWeight: true, strategy: .columns(layout)).1 : nil
            return (t.inputGradient(gy, weight), gw)
        case .columns(.imageByImage), .transposedConvolution(.imageByImage):
            return imageByImageBackward(x, weight, gy, needInput: needInput, needWeight: needWeight)
        case .columns(.sideBySide(let size)), .transposedConvolution(.sideBySide(let size)):
            return sideBySideBackward(x, weight, gy, needInput: needInput, needWeight: needWeight, size: size)
        }
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

    // MARK: Columns, image by image

    /// dX = col2im(Wᵀ·dY) and dW = Σ_images dY·colsᵀ, image by image (columns are recomputed, not kept).
    func imageByImageBackward(_ x: Tensor, _ weight: Tensor, _ gy: Tensor, needInput: Bool, needWeight: Bool) -> (Tensor?, Tensor?) {
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

    // MARK: Columns, images side by side (small maps)

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

    /// Images per side-by-side GEMM: as many as fit `columnBudget`.
    var imagesPerGroup: Int { max(1, min(n, ConvGeometry.columnBudget / max(1, max(kAll, cout) * p))) }

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
        for first in Swift.stride(from: 0, to: n, by: size) {
            let count = min(size, n - first), wide = count * p
            batchToChannels(gp + first * cout * p, dy, channels: cout, count: count)
            if let gw {
                columns(xp, first: first, count: count, into: cols)
                for gi in 0..<groups {   // dW_g [coutG, kG] (+)= dY_g [coutG, wide] · cols_gᵀ [wide, kG]
                    sgemm(transA: false, transB: true, m: coutGroup, n: kGroup, k: wide, dy + gi * coutGroup * wide,
                          cols + gi * kGroup * wide, gw.storage.pointer + gi * coutGroup * kGroup, accumulate: first > 0)
                }
            }
            guard let gx else { continue }
            for gi in 0..<groups {   // dcols_g [kG, wide] = W_gᵀ [kG, coutG] · dY_g [coutG, wide]
                sgemm(transA: true, transB: false, m: kGroup, n: wide, k: coutGroup, wp + gi * coutGroup * kGroup,
                      dy + gi * coutGroup * wide, dcols + gi * kGroup * wide)
            }
            let gxp = gx.storage.pointer + first * inPlane
            if isPointwise { channelsToBatch(dcols, gxp, channels: cin, count: count); continue }
            Parallel.forChunks(count, grain: max(1, Parallel.mapGrain / max(1, kAll * p))) { images in
                for j in images {
                    (gxp + j * inPlane).update(repeating: 0, count: inPlane)
                    col2im(dcols + j * p, gxp + j * inPlane, ldc: wide, parallel: false)
                }
            }
        }
        return (gx, gw)
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
        Parallel.forChunks(count, grain: max(1, Parallel.mapGrain / max(1, kAll * p))) { images in
            for j in images { im2col(x + (first + j) * inPlane, cols + j * p, ldc: wide, parallel: false) }
        }
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

    // MARK: Depthwise

    /// dX plane by plane: each input channel gathers its `Cout / Cin` output channels' dY through their kernels.
    func depthwiseBackwardInput(_ gy: Tensor, _ weight: Tensor) -> Tensor {
        let gx = Tensor(shape: [n, cin, h, w], storage: Storage(uninitialized: n * cin * h * w))
        let gp = gy.storage.pointer, wp = weight.storage.pointer, out = gx.storage.pointer
        Parallel.forChunks(n * cin, grain: depthwisePlaneGrain) { fia_depthwise_backward_input(self, gp, wp, out, $0.lowerBound, $0.upperBound) }
        return gx
    }

    /// dW channel by channel, summed over the batch.
    func depthwiseBackwardWeight(_ x: Tensor, _ gy: Tensor) -> Tensor {
        let gw = Tensor(shape: [cout, 1, kh, kw], storage: Storage(uninitialized: cout * kh * kw))
        let xp = x.storage.pointer, gp = gy.storage.pointer, out = gw.storage.pointer
        Parallel.forChunks(cout, grain: max(1, depthwisePlaneGrain / max(1, n))) {
            fia_depthwise_backward_weight(self, xp, gp, out, $0.lowerBound, $0.upperBound)
        }
        return gw
    }
}
