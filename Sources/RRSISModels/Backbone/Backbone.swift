import Declarations
import NN

/// The visual encoder: image `[B, 3, H, W]` → four maps at strides 4, 8, 16, 32. Between stages it calls
/// its alignment modules, so language guides visual encoding early (as LAVT and FIANet do).
public protocol Backbone: Module {
    /// Channels of the four maps.
    var channels: [Int] { get }
    /// - Parameters: images `[B, 3, H, W]` (H, W multiples of 32); text the decoupled word features.
    /// - Returns: the four alignment outputs `[B, C_i, H/s_i, W/s_i]`, s = 4, 8, 16, 32.
    func callAsFunction(_ images: Tensor, text: TextFeatures) -> [Tensor]
}

/// The parameters every backbone declares: the widths and depths of its four stages.
public enum StageParameters {
    /// `dims`: channels of the four stages.
    public static let dims = ParameterSpec.intList("dims", default: [32, 64, 128, 256], count: 4, range: 8...2048,
                                                   doc: "channels of the four stages")

    /// `depths`: how many `blocks` (e.g. "residual blocks") each stage stacks.
    public static func depths(_ blocks: String) -> ParameterSpec {
        .intList("depths", default: [1, 1, 2, 1], count: 4, range: 1...32, doc: "\(blocks) per stage")
    }

    /// How a backbone starts: from scratch, or pretrained once on semantic segmentation of the synthetic
    /// world (every category, scenes no split shares) — this project's stand-in for the paper's ImageNet
    /// Swin (`BackbonePretraining`; the artifact is cached by content key and shared by every variant and seed).
    public static let pretraining: [ParameterSpec] = [
        .choice("pretrain", ["none", "segmentation"], default: "none",
                doc: "initial weights: from scratch, or pretrained on semantic segmentation of the synthetic world (cached, shared by every run)"),
        .int("pretrainScenes", default: 8000, range: 16...1_000_000, doc: "pretraining scenes (per epoch)"),
        .int("pretrainEpochs", default: 2, range: 1...100, doc: "pretraining epochs"),
    ]
}
