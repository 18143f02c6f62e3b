import NN
import Declarations

/// Conv 3×3 (no bias) → BatchNorm → ReLU.
public final class ConvBNReLU: Module, UnaryLayer {
    public let conv: Conv2d
    public let norm: BatchNorm2d

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, rng: inout RNG) {
        conv = Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: kernelSize / 2,
                      bias: false, init: .kaimingNormal(.relu), rng: &rng)
        norm = BatchNorm2d(outChannels)
        super.init()
    }

    /// `[B, Cin, H, W]` → `[B, Cout, H/stride, W/stride]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { scoped { relu(norm(conv(x))) } }
}

/// LAVT's progressive decoder: from the stride-32 map upward, upsample ×2 (bilinear), concatenate with
/// the next finer map, two conv-BN-ReLU; at stride 4 a 1×1 conv gives 2 class logits, resized
/// bilinearly to the input size. Both resizes use `align_corners=True`, as the official decoder and
/// `_LAVTOneSimpleDecode` do.
public final class LAVTDecoder: Module, DecoderModule {
    public let fuse: [Sequential]
    public let classifier: Conv2d

    /// - Parameters: channels of the four maps (strides 4…32); `hidden` width of the fused maps; `classes`
    ///   logits per pixel (2 for referring segmentation; backbone pretraining classifies every category).
    public init(channels: [Int], hidden: Int, classes: Int = 2, rng: inout RNG) {
        precondition(channels.count == 4, "LAVTDecoder: needs four scales, got \(channels.count)")
        var fuse: [Sequential] = []
        var incoming = channels[3]
        for i in stride(from: 2, through: 0, by: -1) {
            fuse.append(Sequential(ConvBNReLU(incoming + channels[i], hidden, rng: &rng), ConvBNReLU(hidden, hidden, rng: &rng)))
            incoming = hidden
        }
        self.fuse = fuse
        classifier = Conv2d(hidden, classes, kernelSize: 1, rng: &rng)
        super.init()
    }

    /// maps `[B, C_i, H/s_i, W/s_i]` (s = 4, 8, 16, 32) → logits `[B, classes, outputSize]`.
    public func callAsFunction(_ maps: [Tensor], outputSize: (Int, Int)) -> Tensor {
        scoped {
            var x = maps[3]
            for (step, i) in (0...2).reversed().enumerated() {
                let target = maps[i]
                x = interpolate(x, size: (target.shape[2], target.shape[3]), mode: .bilinear, alignCorners: true)
                x = fuse[step](Tensor.concat([x, target], axis: 1))
            }
            return interpolate(classifier(x), size: outputSize, mode: .bilinear, alignCorners: true)
        }
    }
}

extension Components {
    public static let lavt = DecoderComponent(
        name: "lavt",
        doc: "LAVT's progressive decoder: upsample and fuse stride 32 → 4, then a 1-channel logit map.",
        parameters: [.int("dim", default: 64, range: 8...1024, doc: "hidden channels of the decoder")]
    ) { p, input, rng in
        LAVTDecoder(channels: input.channels, hidden: try p.int("dim"), rng: &rng)
    }
}
