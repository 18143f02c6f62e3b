/// 2-D convolution over NCHW images (PyTorch `nn.Conv2d`: square kernel, zero padding, the same stride,
/// padding and dilation in both directions).
public final class Conv2d: Module, UnaryLayer {
    /// `[outChannels, inChannels / groups, kernel, kernel]`.
    public let weight: Tensor
    /// `[outChannels]`, or nil.
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public var inChannels: Int { weight.shape[1] * groups }
    public var outChannels: Int { weight.shape[0] }
    public var kernelSize: Int { weight.shape[2] }

    /// - Parameters:
    ///   - groups: must divide both channel counts (`groups == inChannels` is depthwise).
    ///   - init: weight initialiser; PyTorch's default unless given (`.kaimingNormal(.relu)` before a ReLU).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, init weightInit: WeightInit = .torchDefault,
                rng: inout RNG) {
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: groups \(groups) must divide inChannels \(inChannels) and outChannels \(outChannels)")
        precondition(kernelSize > 0 && stride > 0 && dilation > 0 && padding >= 0,
                     "Conv2d: kernel \(kernelSize), stride \(stride), dilation \(dilation) must be positive and padding \(padding) ≥ 0")
        let shape = [outChannels, inChannels / groups, kernelSize, kernelSize]
        weight = weightInit.make(shape, rng: &rng)
        self.bias = bias ? weightInit.makeBias(outChannels, fanIn: Init.fans(shape).fanIn, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    /// - Parameter x: `[N, inChannels, H, W]`.
    /// - Returns: `[N, outChannels, Hout, Wout]`, `Hout = (H + 2·padding − dilation·(k − 1) − 1) / stride + 1`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped {
            conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }
}
