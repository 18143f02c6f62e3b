import NN
import Declarations

/// The components a spec may name: one line per component, slot by slot. Swift runs no code at import
/// time, so components cannot register themselves; this list is what makes them known. A new component
/// is a new file (its module and its `Components.<name>` declaration) and one entry here.
///
/// Defaults are sized for CPU training of the synthetic benchmark (small widths, few blocks); specs
/// override them for larger runs.
public struct ModelCatalog: Sendable {
    public var backbones: [BackboneComponent]
    public var texts: [TextComponent]
    public var alignments: [AlignmentComponent]
    public var scales: [ScaleComponent]
    public var decoders: [DecoderComponent]

    public static let standard = ModelCatalog(
        backbones: [Components.swin, Components.resnet],
        texts: [Components.transformerText],
        alignments: [Components.coarse, Components.fiam],
        scales: [Components.noScale, Components.fpn, Components.tmem],
        decoders: [Components.lavt])

    public init(backbones: [BackboneComponent], texts: [TextComponent], alignments: [AlignmentComponent],
                scales: [ScaleComponent], decoders: [DecoderComponent]) {
        self.backbones = backbones; self.texts = texts; self.alignments = alignments; self.scales = scales; self.decoders = decoders
    }

    /// Every declaration, in slot order then list order (the order `ablate list` prints them).
    public var registry: Registry {
        Registry(backbones.map(\.declaration) + texts.map(\.declaration) + alignments.map(\.declaration)
                 + scales.map(\.declaration) + decoders.map(\.declaration))
    }

    /// Builds the segmenter `model` describes: text encoder, backbone with its per-stage alignment, scale
    /// module, decoder — in that order, every slot drawing its initial weights from one generator seeded
    /// with `seed` (the order is part of the run's identity: it fixes the initial weights).
    /// - Throws: `RegistryError.brokenConstraint` before building anything when a choice breaks a declared
    ///   rule (validated specs never do; the model constructors would trap on it), `RegistryError.unregistered`
    ///   for a name this catalogue lacks.
    public func segmenter(_ model: ModelConfig, vocabulary: Int, seed: UInt64) throws -> Segmenter {
        let registry = registry
        for choice in model.choices.values.sorted(by: { $0.slot < $1.slot }) {
            if let broken = registry.violations(of: choice, ConstraintContext(imageSize: nil)).first {
                throw RegistryError.brokenConstraint(slot: choice.slot, name: choice.name, rule: broken.constraint.rule, found: broken.found)
            }
        }
        var rng = RNG(seed: seed)
        let text = try build(texts, model[.text], TextBuildInput(vocabulary: vocabulary), &rng)
        let alignment = try Self.component(alignments, model[.alignment])
        let alignmentParams = model[.alignment].params
        let textDim = text.dim
        let backbone = try build(backbones, model[.backbone], BackboneBuildInput(textDim: textDim) { stage, channels, rng in
            try alignment.build(alignmentParams, AlignmentBuildInput(stage: stage, channels: channels, textDim: textDim), rng: &rng)
        }, &rng)
        let scale = try build(scales, model[.scale], ScaleBuildInput(channels: backbone.channels, textDim: textDim), &rng)
        let decoder = try build(decoders, model[.decoder], DecoderBuildInput(channels: scale.outputChannels, textDim: textDim), &rng)
        return Segmenter(text: text, backbone: backbone, scale: scale, decoder: decoder)
    }

    /// The backbone `choice` names with an `IdentityAlignment` in every stage (a plain backbone, as its
    /// pretraining trains it), initialised from `seed`.
    public func plainBackbone(_ choice: ComponentChoice, seed: UInt64) throws -> any Backbone {
        var rng = RNG(seed: seed)
        return try build(backbones, choice, BackboneBuildInput(textDim: 0) { _, _, _ in IdentityAlignment() }, &rng)
    }

    /// The text encoder `choice` names over `vocabulary` tokens, initialised from `seed` (as its pretraining
    /// trains it).
    public func plainText(_ choice: ComponentChoice, vocabulary: Int, seed: UInt64) throws -> any TextEncoderModule {
        var rng = RNG(seed: seed)
        return try build(texts, choice, TextBuildInput(vocabulary: vocabulary), &rng)
    }

    private func build<I, B>(_ list: [Component<I, B>], _ choice: ComponentChoice, _ input: I, _ rng: inout RNG) throws -> B {
        try Self.component(list, choice).build(choice.params, input, rng: &rng)
    }

    /// The component `choice` names in `list`.
    static func component<I, B>(_ list: [Component<I, B>], _ choice: ComponentChoice) throws -> Component<I, B> {
        guard let c = list.first(where: { $0.name == choice.name }) else {
            throw RegistryError.unregistered(slot: choice.slot, name: choice.name, registered: list.map(\.name))
        }
        return c
    }
}

extension Registry {
    /// The declarations of `ModelCatalog.standard`: what specs are validated against.
    public static let standard = ModelCatalog.standard.registry
}
