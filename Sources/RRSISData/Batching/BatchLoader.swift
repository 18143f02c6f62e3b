/// Iterates a `PreparedDataset` in batches: a seeded shuffle per epoch and seeded per-sample flips that
/// rewrite the position words' token ids. Batch `b` of epoch `e` is a pure function of
/// `(seed, e, b)`, so batches can be made in any order or in parallel.
public struct BatchLoader: Sendable {
    /// The prepared split being iterated.
    public let dataset: PreparedDataset
    public let batchSize: Int
    public var shuffle: Bool
    public var dropLast: Bool
    public var flips: FlipAugmentation
    /// Seeds the per-epoch shuffle and the per-sample flips.
    public var seed: UInt64

    /// - Parameters: `shuffle` reorders each epoch (off for evaluation); `dropLast` drops a final
    ///   partial batch; `flips` are drawn per sample and epoch from `seed`.
    public init(dataset: PreparedDataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
                flips: FlipAugmentation = .none, seed: UInt64 = 0) {
        precondition(batchSize > 0, "BatchLoader: batchSize must be positive")
        self.dataset = dataset; self.batchSize = batchSize; self.shuffle = shuffle
        self.dropLast = dropLast; self.flips = flips; self.seed = seed
    }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// Sample order of `epoch` (identity without shuffling).
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<dataset.count)
        if shuffle {
            var rng = SeededRandom(seed: seed, salt: 0x5348_5546, index: UInt64(epoch))   // "SHUF"
            rng.shuffle(&order)
        }
        return order
    }

    /// Batch `index` of `epoch` (0 ≤ index < batchCount).
    public func arrays(epoch: Int, index: Int) -> BatchArrays {
        arrays(indices: Array(order(epoch: epoch)[(index * batchSize)..<min(dataset.count, (index + 1) * batchSize)]), epoch: epoch)
    }

    /// A batch of the given dataset indices; flips are drawn from `(seed, epoch, sample index)`.
    public func arrays(indices: [Int], epoch: Int) -> BatchArrays {
        let d = dataset, B = indices.count, L = d.maxLength, plane = d.height * d.width
        var out = BatchArrays(batchSize: B, length: L, height: d.height, width: d.width,
                              images: [Float](repeating: 0, count: B * 3 * plane),
                              masks: [Float](repeating: 0, count: B * plane),
                              tokenIDs: [Int32](repeating: 0, count: B * L),
                              paddingMask: [Float](repeating: 0, count: B * L), objectMask: [Float](repeating: 0, count: B * L),
                              positionMask: [Float](repeating: 0, count: B * L),
                              indices: indices, ids: indices.map { d.ids[$0] }, tags: indices.map { d.tags[$0] }, flips: [])
        out.images.withUnsafeMutableBufferPointer { ib in
            out.masks.withUnsafeMutableBufferPointer { mb in
                d.images.withUnsafeBufferPointer { src in
                    d.masks.withUnsafeBufferPointer { msrc in
                        for (b, i) in indices.enumerated() {
                            let img = ib.baseAddress! + b * 3 * plane, msk = mb.baseAddress! + b * plane
                            img.update(from: src.baseAddress! + i * 3 * plane, count: 3 * plane)
                            msk.update(from: msrc.baseAddress! + i * plane, count: plane)
                            var rng = SeededRandom(seed: seed, salt: 0x464C_4950 &+ UInt64(epoch), index: UInt64(i))   // "FLIP"
                            let h = flips.horizontal > 0 && rng.chance(flips.horizontal)
                            let v = flips.vertical > 0 && rng.chance(flips.vertical)
                            out.flips.append((h, v))
                            if h {
                                PlaneFlip.horizontal(img, planes: 3, height: d.height, width: d.width)
                                PlaneFlip.horizontal(msk, planes: 1, height: d.height, width: d.width)
                            }
                            if v {
                                PlaneFlip.vertical(img, planes: 3, height: d.height, width: d.width)
                                PlaneFlip.vertical(msk, planes: 1, height: d.height, width: d.width)
                            }
                        }
                    }
                }
            }
        }
        for (b, i) in indices.enumerated() {
            let (h, v) = out.flips[b]
            for k in 0..<L {
                var id = d.tokenIDs[i * L + k]
                if h { id = d.horizontalFlipIDs[Int(id)] }
                if v { id = d.verticalFlipIDs[Int(id)] }
                out.tokenIDs[b * L + k] = id
                out.paddingMask[b * L + k] = d.paddingMask[i * L + k]
                out.objectMask[b * L + k] = d.objectMask[i * L + k]
                out.positionMask[b * L + k] = d.positionMask[i * L + k]
            }
        }
        return out
    }
}
