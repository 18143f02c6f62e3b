import NN
import RRSISModels
import RRSISData

/// What building a component needs besides its own parameters. A class, so the one seeded generator
/// threads through every builder in a fixed order (same spec + seed → same initial weights).
public final class BuildContext {
    /// Initialisation randomness for the whole model.
    public var rng: RNG
    /// Vocabulary size of the text encoder (from the training split).
    public let vocabulary: Int
    /// Width of the word features (set once the text encoder is built).
    public internal(set) var textDim = 0
    /// Channels of the maps the component receives (a stage's, or the four stages').
    public internal(set) var channels: [Int] = []

    public init(seed: UInt64, vocabulary: Int) {
        rng = RNG(seed: seed)
        self.vocabulary = vocabulary
    }
}

/// The builders of every registered component, one table per slot. Declarations (parameters, docs)
/// live in `StandardComponents.swift`; a test asserts the two agree name for name.
public enum ModelBuilders {
    public static let text: ComponentBuilders<BuildContext, TextEncoder> = {
        var b = ComponentBuilders<BuildContext, TextEncoder>(slot: .text)
        b.register("transformer") { p, ctx in
            TextEncoder(vocabulary: ctx.vocabulary, dim: try p.int("dim"), layers: try p.int("layers"), heads: try p.int("heads"),
                        maxLength: try p.int("maxLength"), phrases: PhraseGrammar(rawValue: try p.string("phrases")) ?? .official,
                        rng: &ctx.rng)
        }
        return b
    }()

    public static let alignment: ComponentBuilders<BuildContext, any AlignmentModule> = {
        var b = ComponentBuilders<BuildContext, any AlignmentModule>(slot: .alignment)
        func gateInit(_ p: ComponentParams) throws -> WeightInit {
            try p.string("gateInit") == "official" ? .truncatedNormal(std: 0.02) : .torchDefault
        }
        b.register("coarse") { p, ctx in
            CoarseAlignment(channels: ctx.channels[0], textDim: ctx.textDim, gateInit: try gateInit(p), rng: &ctx.rng)
        }
        b.register("fiam") { p, ctx in
            FIAM(channels: ctx.channels[0], textDim: ctx.textDim, spatial: try p.bool("spatial"), gateInit: try gateInit(p), rng: &ctx.rng)
        }
        return b
    }()

    /// The factory that builds the alignment `choice` for each stage of a backbone.
    static func alignmentFactory(_ ctx: BuildContext, _ choice: ComponentChoice) -> AlignmentFactory {
        { _, channels, rng in
            ctx.channels = [channels]
            ctx.rng = rng
            defer { rng = ctx.rng }
            do { return try alignment.build(choice, ctx) } catch {
                // The spec validated these parameters and a test checks every declaration has a builder.
                preconditionFailure("alignment \(choice.name): \(error)")
            }
        }
    }

    /// Backbones get the factory of their per-stage alignment modules.
    public static let backbone: ComponentBuilders<(BuildContext, AlignmentFactory), any Backbone> = {
        var b = ComponentBuilders<(BuildContext, AlignmentFactory), any Backbone>(slot: .backbone)
        b.register("swin") { p, input in
            let (ctx, align) = input
            var rng = ctx.rng
            let model = SwinBackbone(dims: try p.ints("dims"), depths: try p.ints("depths"), heads: try p.ints("heads"),
                                     window: try p.int("window"), alignment: align, rng: &rng)
            ctx.rng = rng
            return model
        }
        b.register("resnet") { p, input in
            let (ctx, align) = input
            var rng = ctx.rng
            let model = ResNetBackbone(dims: try p.ints("dims"), depths: try p.ints("depths"), alignment: align, rng: &rng)
            ctx.rng = rng
            return model
        }
        return b
    }()

    /// The text encoder `choice` names over a vocabulary of `vocabulary` tokens, initialised from `seed` (as
    /// its pretraining trains it).
    public static func plainText(_ choice: ComponentChoice, vocabulary: Int, seed: UInt64) throws -> TextEncoder {
        try text.build(choice, BuildContext(seed: seed, vocabulary: vocabulary))
    }

    /// The backbone `choice` names with an `IdentityAlignment` in every stage (a plain backbone, as its
    /// pretraining trains it), initialised from `seed`.
    public static func plainBackbone(_ choice: ComponentChoice, seed: UInt64) throws -> any Backbone {
        try backbone.build(choice, (BuildContext(seed: seed, vocabulary: 0), { _, _, _ in IdentityAlignment() }))
    }

    public static let scale: ComponentBuilders<BuildContext, any ScaleModule> = {
        var b = ComponentBuilders<BuildContext, any ScaleModule>(slot: .scale)
        b.register("none") { _, ctx in IdentityScale(channels: ctx.channels) }
        b.register("fpn") { p, ctx in FeaturePyramid(channels: ctx.channels, width: try p.int("width"), rng: &ctx.rng) }
        b.register("tmem") { p, ctx in TMEM(channels: ctx.channels, textDim: ctx.textDim, blocks: try p.int("blocks"), rng: &ctx.rng) }
        return b
    }()

    public static let decoder: ComponentBuilders<BuildContext, LAVTDecoder> = {
        var b = ComponentBuilders<BuildContext, LAVTDecoder>(slot: .decoder)
        b.register("lavt") { p, ctx in LAVTDecoder(channels: ctx.channels, hidden: try p.int("dim"), rng: &ctx.rng) }
        return b
    }()

    /// Builds the segmenter a cell describes: text encoder, backbone with its per-stage alignment, scale
    /// module, decoder — in that order, from one generator seeded with `seed`.
    /// - Throws: `RegistryError.brokenConstraint` before building anything when a choice breaks a declared
    ///   rule (validated specs never do; the model constructors would trap on it).
    public static func segmenter(_ model: ModelConfig, vocabulary: Int, seed: UInt64) throws -> Segmenter {
        for choice in model.choices.values.sorted(by: { $0.slot < $1.slot }) {
            if let broken = Registry.standard.violations(of: choice, ConstraintContext(imageSize: nil)).first {
                throw RegistryError.brokenConstraint(slot: choice.slot, name: choice.name, rule: broken.constraint.rule, found: broken.found)
            }
        }
        let ctx = BuildContext(seed: seed, vocabulary: vocabulary)
        func choice(_ slot: ComponentSlot) throws -> ComponentChoice {
            // Spec validation fills every slot from the base model, so a gap is a programmer error.
            guard let c = model.choices[slot] else { preconditionFailure("ModelBuilders: the cell has no \(slot.rawValue) choice") }
            return c
        }
        let textEncoder = try text.build(choice(.text), ctx)
        ctx.textDim = textEncoder.dim
        let visual = try backbone.build(choice(.backbone), (ctx, alignmentFactory(ctx, try choice(.alignment))))
        ctx.channels = visual.channels
        let scaleModule = try scale.build(choice(.scale), ctx)
        ctx.channels = scaleModule.outputChannels
        let head = try decoder.build(choice(.decoder), ctx)
        return Segmenter(text: textEncoder, backbone: visual, scale: scaleModule, decoder: head)
    }
}
