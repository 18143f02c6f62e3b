import NN
import Declarations

/// How the fusion gates of an alignment module are initialised (a fidelity choice with pretrained
/// encoders, a learning-speed one without them). Measured on the main ablation's baseline, three seeds:
/// official 30.15 vs PyTorch's defaults 29.70 test mIoU (per-seed differences −1.45, +0.91, +1.89), no
/// difference resolved; so the default is the official one (docs/recipe.md). TMEM's `mlpInit` offers the
/// same two choices for its MLP.
public enum GateInit: String, CaseIterable, Sendable {
    /// The official trunc-normal(0.02) weights with zero biases (the backbone's `init_weights`).
    case official
    /// PyTorch's layer defaults.
    case torch

    /// The weight initialisation of the gates' layers.
    public var weightInit: WeightInit { self == .official ? .truncatedNormal(std: 0.02) : .torchDefault }

    /// The `gateInit` parameter every alignment component declares.
    public static let parameter = ParameterSpec.choice("gateInit", allCases.map(\.rawValue), default: GateInit.official.rawValue,
        doc: "gate weights: the official trunc-normal(0.02) with zero biases, or PyTorch's defaults")

    /// The `gateInit` parameter's value in `params`.
    public static func of(_ params: ComponentParams) throws -> GateInit { try params.choice(parameter.name, of: GateInit.self) }
}
