import NN
import Declarations

/// Fine-grained image-text alignment module (FIAM): the context term of `CoarseAlignment` plus an
/// object-position alignment block that aligns the image separately with the ground-object words and
/// with the spatial-position phrase.
///
/// ```
/// r = P(V(x) ⊙ SILA(x, l, m_all))                       context branch (as CoarseAlignment)
/// o = SILA_o(x, t, m_obj);  o ← g_o(o) ⊙ o               object branch
/// s = SILA_p(x, p, m_pos);  a = σ(conv3×3([mean_c s, max_c s]));  o ← o ⊙ a     spatial branch
/// x ← x + c(x) ⊙ (g(r) ⊙ r + o)                          c: squeeze-excitation channel gate
/// ```
/// `spatial: false` removes exactly the spatial branch (SILA_p and the 3×3 conv, with their parameters).
/// As in the official code, the channel gate squeezes to C/8 and the spatial branch's 3×3 conv has no bias.
/// The stage output is `r`, as in LAVT/FIANet: every branch that only updates `x` reaches the prediction
/// through later stages, and at the last stage gets no gradient at all (the published design's quirk).
public final class FIAM: Module, AlignmentModule {
    public let visual: PointwiseProjection
    public let sila: SILA
    public let project: PointwiseProjection
    public let gate: TanhGate
    public let objectSILA: SILA
    public let objectGate: TanhGate
    public let spatial: SpatialBranch?
    public let channelGate: SqueezeExcitation

    /// - Parameter gateInit: how the tanh gates' and the channel gate's weights are drawn: PyTorch's defaults,
    ///   or trunc-normal(0.02) with zero biases, as the official backbone's `init_weights` does.
    public init(channels: Int, textDim: Int, spatial: Bool = true, reduction: Int = 8, gateInit: WeightInit = .torchDefault,
                rng: inout RNG) {
        visual = PointwiseProjection(channels, channels, rng: &rng)
        sila = SILA(visual: channels, text: textDim, rng: &rng)
        project = PointwiseProjection(channels, channels, rng: &rng)
        gate = TanhGate(channels: channels, weightInit: gateInit, rng: &rng)
        objectSILA = SILA(visual: channels, text: textDim, rng: &rng)
        objectGate = TanhGate(channels: channels, weightInit: gateInit, rng: &rng)
        self.spatial = spatial ? SpatialBranch(channels: channels, textDim: textDim, rng: &rng) : nil
        channelGate = SqueezeExcitation(channels: channels, reduction: reduction, weightInit: gateInit, rng: &rng)
        super.init()
    }

    /// x `[B, C, H, W]` → (visual `[B, C, H, W]`, output r `[B, C, H, W]`).
    public func callAsFunction(_ x: Tensor, text: TextFeatures) -> (visual: Tensor, output: Tensor) {
        scoped {
            let r = project(visual(x) * sila(x, words: text.context, mask: text.contextMask))
            var o = objectSILA(x, words: text.object, mask: text.objectMask)
            o = objectGate(o) * o
            if let spatial { o = o * spatial(x, text: text) }
            return (x + channelGate(x) * (gate(r) * r + o), r)
        }
    }
}

/// FIAM's spatial branch: attend to the position phrase, then squeeze the result into a one-channel
/// spatial attention map `σ(conv3×3([mean over channels, max over channels]))` (CBAM-style).
public final class SpatialBranch: Module {
    public let sila: SILA
    public let conv: Conv2d

    public init(channels: Int, textDim: Int, rng: inout RNG) {
        sila = SILA(visual: channels, text: textDim, rng: &rng)
        conv = Conv2d(2, 1, kernelSize: 3, padding: 1, bias: false, rng: &rng)
        super.init()
    }

    /// x `[B, C, H, W]` → spatial map `[B, 1, H, W]` in (0, 1).
    public func callAsFunction(_ x: Tensor, text: TextFeatures) -> Tensor {
        scoped {
            let s = sila(x, words: text.position, mask: text.positionMask)
            let pooled = Tensor.concat([s.mean(axis: 1, keepDims: true), s.max(axis: 1, keepDims: true)], axis: 1)
            return sigmoid(conv(pooled))
        }
    }
}

/// Squeeze-excitation channel gate: global average pool → FC → ReLU → FC → sigmoid, `[B, C, 1, 1]`.
public final class SqueezeExcitation: Module {
    public let reduce: Linear
    public let expand: Linear

    public init(channels: Int, reduction: Int, weightInit: WeightInit = .torchDefault, rng: inout RNG) {
        let hidden = Swift.max(channels / reduction, 1)
        reduce = Linear(channels, hidden, init: weightInit, rng: &rng)
        expand = Linear(hidden, channels, init: weightInit, rng: &rng)
        super.init()
    }

    /// x `[B, C, H, W]` → channel weights `[B, C, 1, 1]` in (0, 1).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped {
            let (b, c) = (x.shape[0], x.shape[1])
            let squeezed = x.mean(axes: [2, 3])                       // [B, C]
            return sigmoid(expand(relu(reduce(squeezed)))).reshaped([b, c, 1, 1])
        }
    }
}

extension Components {
    public static let fiam = AlignmentComponent(
        name: "fiam",
        doc: "FIAM, fine-grained image-text alignment: context + ground-object + spatial-position branches.",
        parameters: [.bool("spatial", default: true, doc: "keep the spatial-position branch (false removes it and nothing else)"),
                     GateInit.parameter]
    ) { p, input, rng in
        FIAM(channels: input.channels, textDim: input.textDim, spatial: try p.bool("spatial"), gateInit: try GateInit.of(p).weightInit, rng: &rng)
    }
}
