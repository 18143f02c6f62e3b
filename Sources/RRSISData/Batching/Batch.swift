import TensorEngine

/// A training/evaluation batch handed to the model. The only file of `RRSISData` that knows `Tensor`.
public struct Batch {
    /// `[B, 3, H, W]`, normalised (ImageNet statistics by default).
    public let images: Tensor
    /// `[B, 1, H, W]`, 1 = target pixel, 0 = background.
    public let masks: Tensor
    /// `[B, L]` token ids, row-major, flattened (`tokenIDs[b * length + l]`); 0 = `<pad>`.
    public let tokenIDs: [Int32]
    public let batchSize: Int
    /// `L`, token positions per expression.
    public let length: Int
    /// `[B, L]`, 1 = word, 0 = padding.
    public let paddingMask: Tensor
    /// `[B, L]`, 1 = ground-object word (category name).
    public let objectMask: Tensor
    /// `[B, L]`, 1 = spatial-position word (the whole expression when it has no position phrase).
    public let positionMask: Tensor
    /// Sample ids, one per batch element.
    public let ids: [String]
    /// Sample tags, one per batch element.
    public let tags: [SampleTags]

    /// Wraps plain arrays as tensors.
    public init(_ a: BatchArrays) {
        images = Tensor(shape: [a.batchSize, 3, a.height, a.width], data: a.images)
        masks = Tensor(shape: [a.batchSize, 1, a.height, a.width], data: a.masks)
        tokenIDs = a.tokenIDs
        batchSize = a.batchSize
        length = a.length
        paddingMask = Tensor(shape: [a.batchSize, a.length], data: a.paddingMask)
        objectMask = Tensor(shape: [a.batchSize, a.length], data: a.objectMask)
        positionMask = Tensor(shape: [a.batchSize, a.length], data: a.positionMask)
        ids = a.ids
        tags = a.tags
    }
}

extension BatchLoader {
    /// Batch `index` of `epoch` as tensors.
    public func batch(epoch: Int, index: Int) -> Batch { Batch(arrays(epoch: epoch, index: index)) }

    /// The batches of `epoch`, made lazily one at a time.
    public func batches(epoch: Int) -> LazyMapSequence<Range<Int>, Batch> {
        let order = order(epoch: epoch), size = batchSize, count = dataset.count
        return (0..<batchCount).lazy.map { b in
            Batch(self.arrays(indices: Array(order[(b * size)..<min(count, (b + 1) * size)]), epoch: epoch))
        }
    }
}
