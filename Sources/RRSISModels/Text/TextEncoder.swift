import NN
import Declarations
import RRSISData

/// The text encoder (`transformer`): token embedding + learned positions + N pre-norm transformer layers
/// + a final LayerNorm, trained from scratch (no pretrained weights exist offline; FIANet uses BERT).
///
/// FIANet's decoupling runs it three times over the same tokens with three attention masks (the full
/// expression, the ground-object words, the position phrase); the three runs are batched into one pass
/// of 3·B sequences. The data layer decides each phrase mask (`PhraseGrammar`, named by `phrases`); a
/// mask with no word is encoded under the full mask (so attention is defined) but is handed on empty for
/// the object phrase — the alignment's object branch then gathers exactly zero, as in the official code,
/// where BERT runs under the empty mask and SILA multiplies keys and values by it. An empty position mask
/// falls back to the full mask, as the official data loader does.
public final class TextEncoder: Module, TextEncoderModule {
    public let embedding: Embedding
    public let positions: Tensor
    public let layers: [TransformerLayer]
    public let norm: LayerNorm
    public let dim: Int
    /// How expressions are decoupled into object and position phrases for this encoder (a data choice the
    /// runner applies; stored here so the model carries its own configuration).
    public let phrases: PhraseGrammar

    /// Tokens kept per expression or phrase when a spec does not say (`maxLength`), padding included.
    public static let defaultMaxLength = 20

    /// - Parameters: vocabulary size (id 0 is padding), width D, layers, heads, maximum length.
    public init(vocabulary: Int, dim: Int, layers: Int, heads: Int, maxLength: Int, phrases: PhraseGrammar = .official,
                rng: inout RNG) {
        self.dim = dim
        self.phrases = phrases
        embedding = Embedding(count: vocabulary, dim: dim, paddingIndex: 0, std: 0.02, rng: &rng)
        positions = Init.truncatedNormal([maxLength, dim], std: 0.02, rng: &rng)
        self.layers = (0..<layers).map { _ in TransformerLayer(dim: dim, heads: heads, rng: &rng) }
        norm = LayerNorm(dim)
        super.init()
    }

    /// Word features `[B, L, D]` for token ids `[B, L]` attending only within `mask` `[B, L]` (1 = word).
    public func encode(tokens: [Int], batch: Int, length: Int, mask: Tensor) -> Tensor {
        scoped {
            let used = positions.slice(axis: 0, 0..<length)
            var x = embedding(tokens, shape: [batch, length]) + used
            for layer in layers { x = layer(x, mask: mask) }
            return norm(x)
        }
    }

    /// The three decoupled encodings and the sentence vector.
    public func callAsFunction(_ input: TextInput) -> TextFeatures {
        scoped {
            let (b, l) = (input.batch, input.length)
            let object = Self.fallback(input.objectMask, to: input.fullMask)
            let position = Self.fallback(input.positionMask, to: input.fullMask)
            let masks = Tensor.concat([input.fullMask, object, position], axis: 0)           // [3B, L]
            let words = encode(tokens: input.tokens + input.tokens + input.tokens, batch: 3 * b, length: l, mask: masks)
            let parts = words.split(sizes: [b, b, b], axis: 0)
            let m = input.fullMask.reshaped([b, l, 1])
            let sentence = (parts[0] * m).sum(axis: 1) / clamp(m.sum(axis: 1), min: 1, max: .greatestFiniteMagnitude)
            return TextFeatures(context: parts[0], contextMask: input.fullMask, object: parts[1], objectMask: input.objectMask,
                                position: parts[2], positionMask: position, sentence: sentence)
        }
    }

    /// Rows of `mask` `[B, L]` with no word replaced by the same rows of `full`.
    static func fallback(_ mask: Tensor, to full: Tensor) -> Tensor {
        let (b, l) = (mask.shape[0], mask.shape[1])
        var values = mask.scalars
        let fullValues = full.scalars
        for i in 0..<b where !values[(i * l)..<((i + 1) * l)].contains(where: { $0 != 0 }) {
            for j in 0..<l { values[i * l + j] = fullValues[i * l + j] }
        }
        return Tensor(shape: [b, l], data: values)
    }
}

/// A pre-norm transformer encoder layer: `x + MHA(LN(x))`, then `x + MLP(LN(x))`.
public final class TransformerLayer: Module {
    public let norm1: LayerNorm
    public let attention: MultiHeadAttention
    public let norm2: LayerNorm
    public let mlp: MLP

    public init(dim: Int, heads: Int, mlpRatio: Int = 4, rng: inout RNG) {
        norm1 = LayerNorm(dim)
        attention = MultiHeadAttention(dim: dim, heads: heads, rng: &rng)
        norm2 = LayerNorm(dim)
        mlp = MLP(dim, hidden: dim * mlpRatio, rng: &rng)
        super.init()
    }

    /// x `[B, L, D]`, mask `[B, L]` (1 = word) → `[B, L, D]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
        scoped {
            let x1 = x + attention(norm1(x), mask: mask)
            return x1 + mlp(norm2(x1))
        }
    }
}

extension Components {
    public static let transformerText = TextComponent(
        name: "transformer",
        doc: "Transformer text encoder (a small BERT-style stack, from scratch or pretrained on masked words) over word tokens.",
        parameters: [
            .int("dim", default: 64, range: 8...1024, doc: "width of word features and the sentence vector"),
            .int("layers", default: 2, range: 1...12, doc: "transformer layers"),
            .int("heads", default: 4, range: 1...16, doc: "attention heads (must divide dim)"),
            .int("maxLength", default: TextEncoder.defaultMaxLength, range: 4...128, doc: "tokens kept per expression/phrase, padding included"),
            .choice("phrases", PhraseGrammar.allCases.map(\.rawValue), default: PhraseGrammar.official.rawValue,
                    doc: "object/position phrase decoupling: the official FIANet chunk grammar, or any prepositional phrase (no category word → whole expression)"),
            .choice("pretrain", ["none", "mlm"], default: "none",
                    doc: "initial weights: from scratch, or pretrained on masked-word prediction over the synthetic world's expressions (cached, shared by every run)"),
            .int("pretrainSentences", default: 20000, range: 32...1_000_000, doc: "pretraining corpus size (expressions)"),
            .int("pretrainEpochs", default: 3, range: 1...100, doc: "pretraining epochs"),
        ],
        constraints: [.divides("heads", "dim")]
    ) { p, input, rng in
        TextEncoder(vocabulary: input.vocabulary, dim: try p.int("dim"), layers: try p.int("layers"), heads: try p.int("heads"),
                    maxLength: try p.int("maxLength"), phrases: try p.choice("phrases", of: PhraseGrammar.self), rng: &rng)
    }
}
