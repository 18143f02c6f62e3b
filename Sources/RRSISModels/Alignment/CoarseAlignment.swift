import NN
import Declarations

/// The vanilla alignment of earlier RRSIS work (LAVT's pixel-word attention module, PWAM): the whole
/// expression is fused into the visual map once per stage, with no decoupling.
///
/// `r = P(V(x) ⊙ SILA(x, l, m_all))`, `x ← x + g(r) ⊙ r` with `g` a tanh gate; the stage output is `r`.
///
/// Note (kept from the published design): the decoder receives `r`, so the gate `g` only affects the
/// prediction through later stages, and at the last stage it gets no gradient at all.
public final class CoarseAlignment: Module, AlignmentModule {
    public let visual: PointwiseProjection
    public let sila: SILA
    public let project: PointwiseProjection
    public let gate: TanhGate

    /// - Parameter gateInit: how the tanh gate's weights are drawn (see `TanhGate`).
    public init(channels: Int, textDim: Int, gateInit: WeightInit = .torchDefault, rng: inout RNG) {
        visual = PointwiseProjection(channels, channels, rng: &rng)
        sila = SILA(visual: channels, text: textDim, rng: &rng)
        project = PointwiseProjection(channels, channels, rng: &rng)
        gate = TanhGate(channels: channels, weightInit: gateInit, rng: &rng)
        super.init()
    }

    /// x `[B, C, H, W]` → (visual `[B, C, H, W]`, output r `[B, C, H, W]`).
    public func callAsFunction(_ x: Tensor, text: TextFeatures) -> (visual: Tensor, output: Tensor) {
        scoped {
            let r = project(visual(x) * sila(x, words: text.context, mask: text.contextMask))
            return (x + gate(r) * r, r)
        }
    }
}

extension Components {
    public static let coarse = AlignmentComponent(
        name: "coarse",
        doc: "Coarse alignment of earlier RRSIS work: the whole expression fused into each stage, no decoupling.",
        parameters: [GateInit.parameter]
    ) { p, input, rng in
        CoarseAlignment(channels: input.channels, textDim: input.textDim, gateInit: try GateInit.of(p).weightInit, rng: &rng)
    }
}
