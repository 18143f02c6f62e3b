import NN
import Declarations
@testable import RRSISModels

/// Small models and inputs for the model tests. The compositions come from the registry, so a newly
/// registered alignment or scale component is shape-, gradient- and overfit-tested without a test edit.
enum ModelFixtures {
    /// One composition: an alignment choice and a scale choice on the fixture's small backbone.
    struct Variant: CustomStringConvertible, Sendable {
        let alignment: ComponentChoice
        let scale: ComponentChoice
        var description: String {
            alignment.label(against: Registry.standard.declaration(.alignment, alignment.name))
                + "+" + scale.label(against: Registry.standard.declaration(.scale, scale.name))
        }
    }

    /// Every registered alignment component, at its defaults and with each boolean parameter flipped (a flag
    /// switches a branch on or off), × every registered scale module.
    static let variants: [Variant] = {
        let alignments = ModelCatalog.standard.alignments.flatMap { component -> [ComponentChoice] in
            let d = component.declaration
            let flipped = d.parameters.compactMap { p -> ComponentChoice? in
                guard case .bool(let on)? = p.defaultValue else { return nil }
                return choice(.alignment, d.name, [(p.name, .bool(!on))])
            }
            return [choice(.alignment, d.name)] + flipped
        }
        let scales = ModelCatalog.standard.scales.map { choice(.scale, $0.name) }
        return alignments.flatMap { a in scales.map { Variant(alignment: a, scale: $0) } }
    }()

    /// The variant `alignment(params)` + `scale`, e.g. `variant("fiam", ["spatial": false], scale: "tmem")`.
    static func variant(_ alignment: String, _ params: [(String, JSONValue)] = [], scale: String) -> Variant {
        Variant(alignment: choice(.alignment, alignment, params), scale: choice(.scale, scale))
    }

    static let dims = [8, 16, 24, 32]
    static let textDim = 16
    static let vocabulary = 20

    /// Parameters that keep the fixture small, per slot; a component gets those it declares. Gates start from
    /// PyTorch's defaults: with the official init (zero biases) a channel gate squeezed to one or two hidden
    /// units at the fixture's 8–16 channels can be switched off entirely by a batch of two (a dead ReLU
    /// legitimately zeroes its gradient, and the gradient test would flag it).
    static let small: [ComponentSlot: [(String, JSONValue)]] = [
        .alignment: [("gateInit", .string("torch"))],
        .backbone: [("dims", .array(dims.map { .int($0) })), ("depths", .array([1, 2, 1, 1].map { .int($0) })),
                    ("heads", .array([1, 2, 2, 4].map { .int($0) })), ("window", .int(4))],
        .text: [("dim", .int(textDim)), ("layers", .int(1)), ("heads", .int(2))],
        .scale: [("width", .int(16))],
        .decoder: [("dim", .int(16))],
    ]

    /// The registered component `name` of `slot` at the fixture's small sizes, with `params` on top.
    static func choice(_ slot: ComponentSlot, _ name: String, _ params: [(String, JSONValue)] = []) -> ComponentChoice {
        let declared = Set(Registry.standard.declaration(slot, name)?.parameters.map(\.name) ?? [])
        var values = (small[slot] ?? []).filter { declared.contains($0.0) }
        for (key, value) in params { values.removeAll { $0.0 == key }; values.append((key, value)) }
        let (c, issues) = Registry.standard.resolve(slot, .object([("name", .string(name)), ("params", .object(values))]), at: "fixture")
        precondition(issues.isEmpty, "ModelFixtures: \(issues)")
        return c!
    }

    /// A small Swin-based segmenter (or ResNet-based with `resnet: true`), built through the registry.
    static func model(_ v: Variant, seed: UInt64 = 1, resnet: Bool = false, vocabulary: Int = vocabulary,
                      maxLength: Int = 8) -> Segmenter {
        let model = ModelConfig([
            .backbone: choice(.backbone, resnet ? "resnet" : "swin"), .alignment: v.alignment, .scale: v.scale,
            .text: choice(.text, "transformer", [("maxLength", .int(maxLength))]), .decoder: choice(.decoder, "lavt"),
        ])
        return try! ModelCatalog.standard.segmenter(model, vocabulary: vocabulary, seed: seed)
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
