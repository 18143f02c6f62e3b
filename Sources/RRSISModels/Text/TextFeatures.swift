import NN

/// The language side of one batch, as every alignment and scale module sees it.
///
/// FIANet decouples the expression: the text encoder runs three times over the same tokens with three
/// attention masks, giving word features for the whole expression (context text `l`), for the
/// ground-object words (`t`) and for the spatial-position phrase (`p`), each used with its own mask.
public struct TextFeatures {
    /// Context word features `[B, L, D]` (full mask).
    public var context: Tensor
    /// `[B, L]`, 1 for a real word.
    public var contextMask: Tensor
    /// Ground-object word features `[B, L, D]` (encoder run with the object mask).
    public var object: Tensor
    /// `[B, L]`, 1 for a category word.
    public var objectMask: Tensor
    /// Spatial-position word features `[B, L, D]` (encoder run with the position mask).
    public var position: Tensor
    /// `[B, L]`, 1 for a word of the position phrase.
    public var positionMask: Tensor
    /// Sentence vector `[B, D]`: the masked mean of the context word features.
    public var sentence: Tensor

    public init(context: Tensor, contextMask: Tensor, object: Tensor, objectMask: Tensor, position: Tensor,
                positionMask: Tensor, sentence: Tensor) {
        self.context = context
        self.contextMask = contextMask
        self.object = object
        self.objectMask = objectMask
        self.position = position
        self.positionMask = positionMask
        self.sentence = sentence
    }
}

/// Token ids and the three masks of a batch of expressions — the model's text input.
public struct TextInput {
    /// Token ids, row-major `[B, L]` (0 is padding).
    public var tokens: [Int]
    public var batch: Int
    public var length: Int
    /// `[B, L]` masks, 1 = word: the whole expression, its ground-object words, its position phrase.
    public var fullMask: Tensor
    public var objectMask: Tensor
    public var positionMask: Tensor

    public init(tokens: [Int], batch: Int, length: Int, fullMask: Tensor, objectMask: Tensor, positionMask: Tensor) {
        precondition(tokens.count == batch * length, "TextInput: \(tokens.count) tokens for [\(batch), \(length)]")
        self.tokens = tokens
        self.batch = batch
        self.length = length
        self.fullMask = fullMask
        self.objectMask = objectMask
        self.positionMask = positionMask
    }
}
