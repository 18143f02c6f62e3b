import NN
import Declarations

/// A registered component: its declaration (slot, name, doc, parameters, the rules between them) and its
/// builder, in one value defined in the file of the module it builds.
///
/// `Input` is the slot's typed build input (what the component may depend on besides its parameters: the
/// stage, the channels it receives, the text width); `Built` is the slot's module protocol. The builder
/// draws its initial weights from `rng`, the one generator the segmenter threads through every slot in a
/// fixed order (same spec and seed → same initial weights).
/// ```swift
/// extension Components {
///     public static let fiam = AlignmentComponent(name: "fiam", doc: "…",
///                                                 parameters: [.bool("spatial", default: true, doc: "…")]) { params, input, rng in
///         FIAM(channels: input.channels, textDim: input.textDim, spatial: try params.bool("spatial"), rng: &rng)
///     }
/// }
/// ```
public struct Component<Input: BuildInput, Built>: Sendable {
    public typealias Builder = @Sendable (_ params: ComponentParams, _ input: Input, _ rng: inout RNG) throws -> Built
    public let declaration: ComponentDeclaration
    private let builder: Builder

    /// Declares the component `name` of `Input`'s slot, with its parameters and the rules between them.
    public init(name: String, doc: String, parameters: [ParameterSpec] = [], constraints: [ParameterConstraint] = [],
                build: @escaping Builder) {
        declaration = ComponentDeclaration(slot: Input.slot, name: name, doc: doc, parameters: parameters, constraints: constraints)
        builder = build
    }

    public var name: String { declaration.name }

    /// Builds the module `params` describe (parameters the spec validation resolved against `declaration`).
    public func build(_ params: ComponentParams, _ input: Input, rng: inout RNG) throws -> Built {
        try builder(params, input, &rng)
    }
}

/// Namespace of the registered components: each module's file adds its own (`Components.fiam`), and
/// `ModelCatalog.standard` lists them.
public enum Components {}

// MARK: The slots: what each component is built from, and what it builds

/// Builds a text encoder from the vocabulary of the training split.
public typealias TextComponent = Component<TextBuildInput, any TextEncoderModule>
/// Builds a backbone that makes one alignment module per stage through `input.alignment`.
public typealias BackboneComponent = Component<BackboneBuildInput, any Backbone>
/// Builds the alignment module of one backbone stage.
public typealias AlignmentComponent = Component<AlignmentBuildInput, any AlignmentModule>
/// Builds the multi-scale module between the backbone and the decoder.
public typealias ScaleComponent = Component<ScaleBuildInput, any ScaleModule>
/// Builds the decoder head.
public typealias DecoderComponent = Component<DecoderBuildInput, any DecoderModule>

/// A slot's build input; its type names the slot, so every slot is declared the same way.
public protocol BuildInput {
    static var slot: ComponentSlot { get }
}

/// What a text encoder is built from.
public struct TextBuildInput: BuildInput, Sendable {
    public static let slot = ComponentSlot.text
    /// Token ids in use, padding (id 0) included: the training split's vocabulary size.
    public let vocabulary: Int
    public init(vocabulary: Int) { self.vocabulary = vocabulary }
}

/// What a backbone is built from: the text width, and how to make the alignment module of each stage.
public struct BackboneBuildInput: BuildInput {
    public static let slot = ComponentSlot.backbone
    /// Width of the word features the alignment modules receive.
    public let textDim: Int
    /// Makes stage `stage`'s alignment module for `channels` channels (the spec's alignment choice).
    public let alignment: AlignmentFactory
    public init(textDim: Int, alignment: @escaping AlignmentFactory) { self.textDim = textDim; self.alignment = alignment }
}

/// What the alignment module of one backbone stage is built from.
public struct AlignmentBuildInput: BuildInput, Sendable {
    public static let slot = ComponentSlot.alignment
    /// The stage, 0…3 (strides 4, 8, 16, 32).
    public let stage: Int
    /// Channels of the stage's visual map.
    public let channels: Int
    /// Width of the word features.
    public let textDim: Int
    public init(stage: Int, channels: Int, textDim: Int) { self.stage = stage; self.channels = channels; self.textDim = textDim }
}

/// What a scale module is built from.
public struct ScaleBuildInput: BuildInput, Sendable {
    public static let slot = ComponentSlot.scale
    /// Channels of the backbone's four maps (strides 4, 8, 16, 32).
    public let channels: [Int]
    /// Width of the word features.
    public let textDim: Int
    public init(channels: [Int], textDim: Int) { self.channels = channels; self.textDim = textDim }
}

/// What a decoder is built from.
public struct DecoderBuildInput: BuildInput, Sendable {
    public static let slot = ComponentSlot.decoder
    /// Channels of the scale module's four maps (strides 4, 8, 16, 32).
    public let channels: [Int]
    /// Width of the word features.
    public let textDim: Int
    public init(channels: [Int], textDim: Int) { self.channels = channels; self.textDim = textDim }
}
