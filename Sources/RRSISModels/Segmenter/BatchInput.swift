import NN
import RRSISData

extension TextInput {
    /// The text side of a data batch: token ids and the full / ground-object / spatial-position masks.
    public init(_ batch: Batch) {
        self.init(tokens: batch.tokenIDs.map(Int.init), batch: batch.batchSize, length: batch.length,
                  fullMask: batch.paddingMask, objectMask: batch.objectMask, positionMask: batch.positionMask)
    }
}

extension Segmenter {
    /// Logits `[B, 2, H, W]` for a data batch.
    public func callAsFunction(_ batch: Batch) -> Tensor { self(batch.images, TextInput(batch)) }
}
