import CKernels

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
/// The backward pass runs one of four strategies, chosen from the sizes by `ConvGeometry.backwardStrategy`.
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
    if g.isDepthwise {   // groups == Cin: a GEMM of depth kh·kw per channel would be mostly overhead
        g.depthwiseForward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, y.storage.pointer)
    } else {
        g.gemmForward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, y.storage.pointer)
    }
    let op = g.isDepthwise ? "conv2d" : OpProfile.name("conv2d", "\(x.shape) ⋆ \(weight.shape) /\(stride)")
    return y.recordingGradient(ofInputs: [x, weight] + (bias.map { [$0] } ?? []), op: op) { gy in
        // dX = the adjoint of the forward in x (a convolution of dY with the flipped weights), dW = Σ dY ⊗ columns
        let (gx, gw) = g.backward(x, weight, gy, needInput: x.requiresGrad, needWeight: weight.requiresGrad,
                                  strategy: g.backwardStrategy)
        return [gx, gw] + (bias.map { [$0.requiresGrad ? g.biasGradient(gy) : nil] } ?? [])   // dBias = Σ dY
    }
}
