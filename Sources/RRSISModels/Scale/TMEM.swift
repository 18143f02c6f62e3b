import NN
import Declarations

/// Text-aware multi-scale enhancement module (TMEM): lets the four scales interact at the coarsest
/// resolution under the guidance of the words, then gates each scale with what it learned.
///
/// ```
/// z = conv1×1_down(concat_i avgpool_{to H/32}(x_i))        C_all → C_all/4
/// repeat `blocks` times:  z ← z + SILA(LN(z), l);  z ← z + MLP(LN(z))    (GELU MLP)
/// t = conv1×1_up(BN(z)), split per scale into t_i
/// out_i = ScaleAwareGate(x_i, t_i)
/// ```
/// The paper uses 1 block for RefSegRS and 3 for RRSIS-D. The official TMEM sits inside the backbone, so
/// its MLP's `nn.Linear`s are redrawn by the backbone's `init_weights` (trunc-normal 0.02, zero biases) while
/// its convolutions keep PyTorch's defaults; `mlpInit` chooses between that and PyTorch's defaults.
public final class TMEM: Module, ScaleModule {
    public let down: Conv2d
    public let blocks: [TMEMBlock]
    public let norm: BatchNorm2d
    public let up: Conv2d
    public let gates: [ScaleAwareGate]
    public let outputChannels: [Int]

    public init(channels: [Int], textDim: Int, blocks: Int = 1, mlpInit: WeightInit = .torchDefault, rng: inout RNG) {
        let total = channels.reduce(0, +), reduced = Swift.max(total / 4, 1)
        outputChannels = channels
        down = Conv2d(total, reduced, kernelSize: 1, rng: &rng)
        self.blocks = (0..<blocks).map { _ in TMEMBlock(channels: reduced, textDim: textDim, mlpInit: mlpInit, rng: &rng) }
        norm = BatchNorm2d(reduced)
        up = Conv2d(reduced, total, kernelSize: 1, rng: &rng)
        gates = channels.map { ScaleAwareGate(channels: $0, rng: &rng) }
        super.init()
    }

    /// maps `[B, C_i, H_i, W_i]` (strides 4…32) → same shapes, enhanced.
    public func callAsFunction(_ maps: [Tensor], text: TextFeatures) -> [Tensor] {
        scoped {
            let coarsest = maps[maps.count - 1]
            let size = (coarsest.shape[2], coarsest.shape[3])
            let pooled = maps.map { $0.shape[2] == size.0 && $0.shape[3] == size.1 ? $0 : adaptiveAvgPool2d($0, outputSize: size) }
            var z = down(Tensor.concat(pooled, axis: 1))
            for block in blocks { z = block(z, text: text) }
            let parts = up(norm(z)).split(sizes: outputChannels, axis: 1)
            return (0..<maps.count).map { gates[$0](maps[$0], parts[$0]) }
        }
    }
}

/// One TMEM block: pre-norm pixel-word attention and a GELU MLP, each residual.
public final class TMEMBlock: Module {
    public let norm1: LayerNorm
    public let sila: SILA
    public let norm2: LayerNorm
    public let fc1: Linear
    public let fc2: Linear

    public init(channels: Int, textDim: Int, mlpRatio: Int = 2, mlpInit: WeightInit = .torchDefault, rng: inout RNG) {
        norm1 = LayerNorm(channels)
        sila = SILA(visual: channels, text: textDim, rng: &rng)
        norm2 = LayerNorm(channels)
        fc1 = Linear(channels, channels * mlpRatio, init: mlpInit, rng: &rng)
        fc2 = Linear(channels * mlpRatio, channels, init: mlpInit, rng: &rng)
        super.init()
    }

    /// z `[B, C, h, w]` → same shape.
    public func callAsFunction(_ z: Tensor, text: TextFeatures) -> Tensor {
        scoped {
            let z1 = z + sila(channelNorm(norm1, z), words: text.context, mask: text.contextMask)
            let tokens = z1.permuted([0, 2, 3, 1])                      // [B, h, w, C]
            let mlp = fc2(gelu(fc1(norm2(tokens))))
            return z1 + mlp.permuted([0, 3, 1, 2])
        }
    }
}

/// Applies a LayerNorm over the channel dimension of an NCHW map.
func channelNorm(_ norm: LayerNorm, _ x: Tensor) -> Tensor {
    norm(x.permuted([0, 2, 3, 1])).permuted([0, 3, 1, 2])
}

/// FIANet's scale-aware gate: fuse a scale's original map `x` with its share `t` of the cross-scale
/// features. `local = BN(conv1×1(x))`, `global = up(BN(conv1×1(t)))`,
/// `out = local ⊙ up(hsigmoid(BN(conv1×1(t)))) + global`.
public final class ScaleAwareGate: Module {
    public let local: Conv2d
    public let localNorm: BatchNorm2d
    public let global: Conv2d
    public let globalNorm: BatchNorm2d
    public let attention: Conv2d
    public let attentionNorm: BatchNorm2d

    public init(channels: Int, rng: inout RNG) {
        local = Conv2d(channels, channels, kernelSize: 1, bias: false, rng: &rng)
        localNorm = BatchNorm2d(channels)
        global = Conv2d(channels, channels, kernelSize: 1, bias: false, rng: &rng)
        globalNorm = BatchNorm2d(channels)
        attention = Conv2d(channels, channels, kernelSize: 1, bias: false, rng: &rng)
        attentionNorm = BatchNorm2d(channels)
        super.init()
    }

    /// x `[B, C, H, W]`, t `[B, C, h, w]` (coarser) → `[B, C, H, W]`.
    public func callAsFunction(_ x: Tensor, _ t: Tensor) -> Tensor {
        scoped {
            let size = (x.shape[2], x.shape[3])
            let localFeatures = localNorm(local(x))
            let globalFeatures = interpolate(globalNorm(global(t)), size: size, mode: .bilinear)
            let weights = interpolate(hardSigmoid(attentionNorm(attention(t))), size: size, mode: .bilinear)
            return localFeatures * weights + globalFeatures
        }
    }
}

extension Components {
    public static let tmem = ScaleComponent(
        name: "tmem",
        doc: "TMEM, text-aware multi-scale enhancement: cross-scale interaction conditioned on the text.",
        parameters: [.int("blocks", default: 1, range: 1...4, doc: "stacked enhancement blocks"),
                     .choice("mlpInit", GateInit.allCases.map(\.rawValue), default: GateInit.official.rawValue,
                             doc: "the blocks' MLP weights: the official trunc-normal(0.02) with zero biases, or PyTorch's defaults")]
    ) { p, input, rng in
        TMEM(channels: input.channels, textDim: input.textDim, blocks: try p.int("blocks"),
             mlpInit: try p.choice("mlpInit", of: GateInit.self).weightInit, rng: &rng)
    }
}
