import NN
import Declarations

/// Between encoder and decoder: the four stage maps (strides 4, 8, 16, 32) → four maps for the decoder.
public protocol ScaleModule: Module {
    /// Channels of the four maps it returns.
    var outputChannels: [Int] { get }
    /// - Parameters: maps `[B, C_i, H/s_i, W/s_i]` for s = 4, 8, 16, 32; text the decoupled word features.
    func callAsFunction(_ maps: [Tensor], text: TextFeatures) -> [Tensor]
}

/// `none`: the stage maps unchanged.
public final class IdentityScale: Module, ScaleModule {
    public let outputChannels: [Int]

    public init(channels: [Int]) {
        outputChannels = channels
        super.init()
    }

    public func callAsFunction(_ maps: [Tensor], text: TextFeatures) -> [Tensor] { maps }
}

/// `fpn`: a standard top-down feature pyramid (lateral 1×1, upsample-and-add, 3×3 smoothing), text-agnostic.
public final class FeaturePyramid: Module, ScaleModule {
    public let lateral: [Conv2d]
    public let smooth: [Conv2d]
    public var outputChannels: [Int] { Array(repeating: width, count: lateral.count) }
    let width: Int

    /// - Parameters: channels of the four stage maps; `width` of every pyramid level.
    public init(channels: [Int], width: Int, rng: inout RNG) {
        self.width = width
        lateral = channels.map { Conv2d($0, width, kernelSize: 1, rng: &rng) }
        smooth = channels.map { _ in Conv2d(width, width, kernelSize: 3, padding: 1, rng: &rng) }
        super.init()
    }

    /// maps `[B, C_i, H_i, W_i]` → `[B, width, H_i, W_i]`.
    public func callAsFunction(_ maps: [Tensor], text: TextFeatures) -> [Tensor] {
        scoped {
            var merged = [Tensor](repeating: maps[0], count: maps.count)
            var top = lateral[maps.count - 1](maps[maps.count - 1])
            merged[maps.count - 1] = top
            for i in stride(from: maps.count - 2, through: 0, by: -1) {
                let size = (maps[i].shape[2], maps[i].shape[3])
                top = lateral[i](maps[i]) + interpolate(top, size: size, mode: .nearest)
                merged[i] = top
            }
            return zip(smooth, merged).map { conv, x in conv(x) }
        }
    }
}

extension Components {
    public static let noScale = ScaleComponent(
        name: "none",
        doc: "Pass-through: the decoder receives the backbone's stage maps unchanged."
    ) { _, input, _ in
        IdentityScale(channels: input.channels)
    }

    public static let fpn = ScaleComponent(
        name: "fpn",
        doc: "Feature pyramid network: text-agnostic top-down pathway with lateral connections.",
        parameters: [.int("width", default: 64, range: 8...1024, doc: "channels of every pyramid level")]
    ) { p, input, rng in
        FeaturePyramid(channels: input.channels, width: try p.int("width"), rng: &rng)
    }
}
