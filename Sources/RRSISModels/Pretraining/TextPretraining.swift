import NN
import RRSISData

/// The text encoder's pretraining stage: this project's stand-in for the BERT every FIANet variant starts
/// from. The encoder learns masked-word prediction (BERT's masked language model) on the expressions of the
/// pretraining world (`SyntheticGenerator.pretrainingExpression`, a seed stream no benchmark split shares):
/// a share `maskRate` of each expression's words (at least one) is replaced by the padding token, whose
/// embedding is zero, and a linear head over the encoder's output predicts them. The head is thrown away.
///
/// The pretraining vocabulary is the corpus's own; a run's encoder (whose vocabulary comes from its
/// training split) takes each of its words' embedding row from the pretrained table where the word exists
/// there (`load`), as a fixed-vocabulary BERT would serve it; every other tensor is copied as it is.
public struct TextPretraining: Equatable, Sendable {
    /// Expressions in the corpus (one per pretraining scene).
    public var sentences: Int
    public var epochs: Int
    public var batchSize = 32
    public var learningRate = 1e-3
    public var weightDecay = 0.01
    public var maskRate = 0.15
    /// Seeds the corpus, the masking, the head and the shuffling.
    public var seed: UInt64 = 0
    /// Bumped whenever the procedure changes in a way that changes its result.
    public static let version = 2   // 2: trunc-normal bounds in value, as timm (the initial weights changed)

    public init(sentences: Int, epochs: Int) {
        self.sentences = sentences
        self.epochs = epochs
    }

    /// Every input of the result, in a stable text, with the encoder's own description.
    public func canonicalDescription(encoder: String) -> String {
        "pretrain=mlm;v\(Self.version);generator=v\(SyntheticGenerator.version);sentences=\(sentences);epochs=\(epochs);"
            + "batch=\(batchSize);lr=\(learningRate);wd=\(weightDecay);mask=\(maskRate);seed=\(seed);encoder=\(encoder)"
    }

    /// The artifact's content key: 16 hex digits of FNV-1a 64 over `canonicalDescription`.
    public func key(encoder: String) -> String { fnv1a64Hex(canonicalDescription(encoder: encoder)) }

    /// The corpus: the expressions of pretraining scenes `0..<sentences` (the benchmark's default world).
    public func corpus() -> [String] {
        var config = SyntheticConfig()
        config.seed = seed
        return (0..<sentences).map { SyntheticGenerator.pretrainingExpression(config, index: $0) }
    }

    /// Pretrains `encoder` in place on `corpus` (tokenised with `vocabulary`, which the encoder's embedding
    /// table must match) and returns its state.
    /// - Parameter progress: (epoch, mean loss, accuracy of the masked-word predictions) after each epoch.
    public func run(_ encoder: TextEncoder, corpus: [String], vocabulary: Vocabulary, maxLength: Int,
                    progress: (_ epoch: Int, _ loss: Double, _ accuracy: Double) -> Void = { _, _, _ in }) throws
        -> [(name: String, tensor: Tensor)] {
        precondition(corpus.count >= batchSize && epochs >= 1, "TextPretraining: need a corpus of at least one batch and epochs ≥ 1")
        precondition(encoder.embedding.count == vocabulary.count, "TextPretraining: the encoder's table does not match the vocabulary")
        let encoded = corpus.map { vocabulary.encode($0, maxLength: maxLength) }
        var rng = RNG(seed: seed ^ 0x4D4C_4D48)   // "MLMH"
        let head = Linear(encoder.dim, vocabulary.count, rng: &rng)
        let net = MaskedWordNet(encoder: encoder, head: head)
        let loop = PretrainingLoop(epochs: epochs, steps: corpus.count / batchSize, learningRate: learningRate, weightDecay: weightDecay)
        try loop.run(net, loss: { crossEntropy($0, classIndices: $1) }, batches: { epoch in
            var order = Array(0..<corpus.count)
            var shuffle = SeededRandom(seed: seed, salt: 0x4D53_4855, index: UInt64(epoch))   // "MSHU"
            shuffle.shuffle(&order)
            return { s in
                let masked = maskedBatch(order[(s * batchSize)..<((s + 1) * batchSize)].map { encoded[$0] }, epoch: epoch, step: s)
                return (net(masked, length: maxLength), masked.targets)
            }
        }, progress: progress)
        return encoder.stateTensors()
    }

    /// A batch with its masked words: inputs with those words replaced by padding, their flat positions
    /// (`row · length + column`) and their original ids.
    struct MaskedBatch {
        var tokens: [Int]
        var mask: Tensor
        var positions: [Int]
        var targets: [Int64]
    }

    /// Masks `maskRate` of each expression's words (at least one), drawn from `(seed, epoch, step)`.
    func maskedBatch(_ batch: [EncodedText], epoch: Int, step: Int) -> MaskedBatch {
        let length = batch.first?.ids.count ?? 0
        var random = SeededRandom(seed: seed, salt: 0x4D41_534B &+ UInt64(epoch), index: UInt64(step))   // "MASK"
        var out = MaskedBatch(tokens: [], mask: Tensor(shape: [batch.count, length], data: batch.flatMap(\.paddingMask)),
                              positions: [], targets: [])
        for (row, text) in batch.enumerated() {
            var ids = text.ids.map(Int.init)
            let words = text.words.count
            var chosen = (0..<words).filter { _ in random.uniform() < maskRate }
            if chosen.isEmpty && words > 0 { chosen = [random.int(below: words)] }
            for c in chosen {
                out.positions.append(row * length + c)
                out.targets.append(Int64(ids[c]))
                ids[c] = Int(Vocabulary.padID)
            }
            out.tokens += ids
        }
        return out
    }

    /// Copies a pretrained encoder's state into `encoder`: each of `vocabulary`'s words takes its row of the
    /// pretrained embedding table where `pretrainedTokens` has the word (other rows stay as built); every
    /// other tensor must be present with its shape. Returns how many of the vocabulary's words were found.
    @discardableResult
    public static func load(_ state: [(name: String, tensor: Tensor)], pretrainedTokens: [String], into encoder: TextEncoder,
                            vocabulary: Vocabulary, source: String) throws -> Int {
        let table = "embedding.weight"
        let others = encoder.stateTensors().filter { $0.name != table }
        try Checkpoint.copy(state.filter { $0.name != table }, into: others, source: source, strict: true)
        guard let pretrained = state.first(where: { $0.name == table })?.tensor,
              pretrained.shape == [pretrainedTokens.count, encoder.dim] else {
            throw CheckpointError.malformed("\(source): no embedding table of \(pretrainedTokens.count) × \(encoder.dim) for its \(pretrainedTokens.count) tokens")
        }
        let rows = Dictionary(pretrainedTokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let (dst, src, d) = (encoder.embedding.weight.storage.pointer, pretrained.storage.pointer, encoder.dim)
        var found = 0
        for (i, word) in vocabulary.tokens.enumerated() {
            guard let j = rows[word] else { continue }
            (dst + i * d).update(from: src + j * d, count: d)
            found += 1
        }
        return found
    }
}

/// Text encoder + masked-word head, trained together during pretraining.
final class MaskedWordNet: Module {
    let encoder: TextEncoder
    let head: Linear

    init(encoder: TextEncoder, head: Linear) {
        self.encoder = encoder
        self.head = head
        super.init()
    }

    /// Vocabulary logits `[M, V]` at the batch's masked positions.
    func callAsFunction(_ batch: TextPretraining.MaskedBatch, length: Int) -> Tensor {
        let rows = batch.mask.shape[0]
        let words = encoder.encode(tokens: batch.tokens, batch: rows, length: length, mask: batch.mask)   // [B, L, D]
        let flat = words.reshaped([rows * length, encoder.dim])
        return head(embedding(batch.positions, shape: [batch.positions.count], weight: flat))
    }
}
