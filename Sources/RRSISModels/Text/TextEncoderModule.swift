import NN
import RRSISData

/// The text slot: token ids and masks → decoupled word features and sentence vectors. The same encoder
/// embeds the full expression, the ground-object phrase and the spatial-position phrase.
public protocol TextEncoderModule: Module {
    /// Width D of the word features and sentence vectors.
    var dim: Int { get }
    /// How expressions are decoupled into object and position phrases for this encoder (a data choice the
    /// runner applies before batching).
    var phrases: PhraseGrammar { get }
    /// - Parameter input: tokens `[B, L]` with the full, object and position masks `[B, L]`.
    /// - Returns: word features `[B, L, D]` under each mask, and the sentence vectors `[B, D]`.
    func callAsFunction(_ input: TextInput) -> TextFeatures
}
