import NN
import Declarations

/// A ResNet-style convolutional backbone (`resnet`): a cheap alternative to Swin and a further ablation
/// slot. Stem of two stride-2 conv-BN-ReLU (stride 4), then four stages of basic residual blocks (the
/// first block of stages 2–4 downsamples by 2), an alignment module after each stage.
public final class ResNetBackbone: Module, Backbone {
    public let stem: Sequential
    public let stages: [ResNetStage]
    public let channels: [Int]

    public init(dims: [Int], depths: [Int], alignment: AlignmentFactory, rng: inout RNG) throws {
        precondition(dims.count == 4 && depths.count == 4, "ResNetBackbone: four stages")
        channels = dims
        stem = Sequential(ConvBNReLU(3, Swift.max(dims[0] / 2, 1), stride: 2, rng: &rng),
                          ConvBNReLU(Swift.max(dims[0] / 2, 1), dims[0], stride: 2, rng: &rng))
        var stages: [ResNetStage] = []
        for i in 0..<4 {
            let inDim = i == 0 ? dims[0] : dims[i - 1]
            stages.append(ResNetStage(inDim: inDim, dim: dims[i], depth: depths[i], stride: i == 0 ? 1 : 2,
                                      align: try alignment(i, dims[i], &rng), rng: &rng))
        }
        self.stages = stages
        super.init()
    }

    /// images `[B, 3, H, W]` → four maps `[B, C_i, H/s_i, W/s_i]`.
    public func callAsFunction(_ images: Tensor, text: TextFeatures) -> [Tensor] {
        scoped {
            var x = stem(images)
            var outputs: [Tensor] = []
            for stage in stages {
                let (visual, output) = stage(x, text: text)
                outputs.append(output)
                x = visual
            }
            return outputs
        }
    }
}

/// Residual blocks, then the alignment module.
public final class ResNetStage: Module {
    public let blocks: [BasicBlock]
    public let align: any AlignmentModule

    init(inDim: Int, dim: Int, depth: Int, stride: Int, align: any AlignmentModule, rng: inout RNG) {
        blocks = (0..<Swift.max(depth, 1)).map { j in
            BasicBlock(j == 0 ? inDim : dim, dim, stride: j == 0 ? stride : 1, rng: &rng)
        }
        self.align = align
        super.init()
    }

    /// `[B, Cin, H, W]` → (visual `[B, C, H/s, W/s]`, output `[B, C, H/s, W/s]`).
    func callAsFunction(_ x: Tensor, text: TextFeatures) -> (visual: Tensor, output: Tensor) {
        scoped {
            var y = x
            for block in blocks { y = block(y) }
            return align(y, text: text)
        }
    }
}

/// ResNet's basic block: conv-BN-ReLU, conv-BN, plus the (projected when the shape changes) input, ReLU.
public final class BasicBlock: Module, UnaryLayer {
    public let conv1: ConvBNReLU
    public let conv2: Conv2d
    public let norm2: BatchNorm2d
    public let shortcut: Sequential?

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, rng: inout RNG) {
        conv1 = ConvBNReLU(inChannels, outChannels, stride: stride, rng: &rng)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, bias: false, init: .kaimingNormal(.relu), rng: &rng)
        norm2 = BatchNorm2d(outChannels)
        shortcut = stride != 1 || inChannels != outChannels
            ? Sequential(Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, bias: false, rng: &rng), BatchNorm2d(outChannels))
            : nil
        super.init()
    }

    /// `[B, Cin, H, W]` → `[B, Cout, H/stride, W/stride]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { relu(norm2(conv2(conv1(x))) + (shortcut.map { $0(x) } ?? x)) }
    }
}

extension Components {
    public static let resnet = BackboneComponent(
        name: "resnet",
        doc: "ResNet-style convolutional backbone: residual basic blocks in four stages; a cheap alternative to Swin.",
        parameters: [
            StageParameters.dims,
            StageParameters.depths("residual blocks"),
        ] + StageParameters.pretraining
    ) { p, input, rng in
        try ResNetBackbone(dims: try p.ints("dims"), depths: try p.ints("depths"), alignment: input.alignment, rng: &rng)
    }
}
