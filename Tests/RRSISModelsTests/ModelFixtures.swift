import NN
@testable import RRSISModels

/// Small models and inputs for the model tests.
enum ModelFixtures {
    enum Alignment: String, CaseIterable { case coarse, fiamNoSpatial, fiam }
    enum Scale: String, CaseIterable { case none, fpn, tmem }

    struct Variant: CustomStringConvertible, Sendable {
        let alignment: Alignment
        let scale: Scale
        var description: String { "\(alignment.rawValue)+\(scale.rawValue)" }
    }

    static let variants: [Variant] = Alignment.allCases.flatMap { a in Scale.allCases.map { Variant(alignment: a, scale: $0) } }

    static let dims = [8, 16, 24, 32]
    static let textDim = 16
    static let vocabulary = 20

    /// A small Swin-based segmenter (or ResNet-based with `resnet: true`).
    static func model(_ v: Variant, seed: UInt64 = 1, resnet: Bool = false, blocks: Int = 1, vocabulary: Int = vocabulary,
                      maxLength: Int = 8) -> Segmenter {
        var rng = RNG(seed: seed)
        let factory: AlignmentFactory = { _, c, rng in
            switch v.alignment {
            case .coarse: return CoarseAlignment(channels: c, textDim: textDim, rng: &rng)
            // The channel gate squeezes to C/4 here, not the default C/8: at the fixture's 8–16 channels, C/8 leaves
            // one or two hidden units, which a batch of two can switch off entirely (a dead ReLU legitimately
            // zeroes the gate's gradient, and the gradient test would flag it).
            case .fiamNoSpatial: return FIAM(channels: c, textDim: textDim, spatial: false, reduction: 4, rng: &rng)
            case .fiam: return FIAM(channels: c, textDim: textDim, spatial: true, reduction: 4, rng: &rng)
            }
        }
        let text = TextEncoder(vocabulary: vocabulary, dim: textDim, layers: 1, heads: 2, maxLength: maxLength, rng: &rng)
        let backbone: any Backbone = resnet
            ? ResNetBackbone(dims: dims, depths: [1, 1, 1, 1], alignment: factory, rng: &rng)
            : SwinBackbone(dims: dims, depths: [1, 2, 1, 1], heads: [1, 2, 2, 4], window: 4, mlpRatio: 2, alignment: factory, rng: &rng)
        let scale: any ScaleModule
        switch v.scale {
        case .none: scale = IdentityScale(channels: dims)
        case .fpn: scale = FeaturePyramid(channels: dims, width: 16, rng: &rng)
        case .tmem: scale = TMEM(channels: dims, textDim: textDim, blocks: blocks, rng: &rng)
        }
        let decoder = LAVTDecoder(channels: scale.outputChannels, hidden: 16, rng: &rng)
        return Segmenter(text: text, backbone: backbone, scale: scale, decoder: decoder)
    }

    /// Random images and a text input with every kind of mask: B expressions of length 6, the first
    /// `words[i]` tokens real; object words at indices 1…2, position phrase at indices 3…4.
    static func inputs(batch: Int = 2, size: Int = 64, seed: UInt64 = 5, positionShift: Bool = false,
                       objectShift: Bool = false) -> (Tensor, TextInput) {
        var rng = RNG(seed: seed)
        let images = Tensor.randn([batch, 3, size, size], rng: &rng)
        let length = 6
        var tokens: [Int] = [], full: [Float] = [], object: [Float] = [], position: [Float] = []
        for b in 0..<batch {
            let words = 5 + b % 2
            for j in 0..<length {
                tokens.append(j < words ? 1 + (b * 7 + j * 3) % (vocabulary - 1) : 0)
                full.append(j < words ? 1 : 0)
                object.append((objectShift ? (j == 0 || j == 2) : (j == 1 || j == 2)) ? 1 : 0)
                position.append((positionShift ? (j == 0) : (j == 3 || j == 4)) ? 1 : 0)
            }
        }
        let m = { (v: [Float]) in Tensor(shape: [batch, length], data: v) }
        return (images, TextInput(tokens: tokens, batch: batch, length: length, fullMask: m(full), objectMask: m(object),
                                  positionMask: m(position)))
    }
}
