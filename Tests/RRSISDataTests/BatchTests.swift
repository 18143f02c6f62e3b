import Testing
import TensorEngine
@testable import RRSISData

@Suite struct BatchTests {
    /// Four 2×2 samples; sample k has red = 51·k everywhere and its mask on pixel k.
    static func samples() -> [RRSISSample] {
        let texts = ["the ship on the left", "a storage tank", "the vehicle at the top right of the image", "ship"]
        return (0..<4).map { k in
            var mask = [UInt8](repeating: 0, count: 4)
            mask[k] = 1
            let pixels: [UInt8] = (0..<4).flatMap { _ -> [UInt8] in [UInt8(51 * k), 0, 0] }
            return RRSISSample(id: "s\(k)", image: PixelImage(width: 2, height: 2, channels: 3, pixels: pixels),
                               mask: mask, expression: texts[k], split: .train, tags: SampleTags(category: "c\(k)"))
        }
    }

    static func prepared(maxLength: Int = 6) throws -> PreparedDataset {
        let s = samples()
        return try PreparedDataset(samples: s, vocabulary: Vocabulary(building: s.map(\.expression)),
                                   decoupler: PhraseDecoupler(classList: ClassLists.synthetic),
                                   maxLength: maxLength, normalization: .unit)
    }

    @Test func preparedArrays() throws {
        let d = try Self.prepared()
        let v = d.vocabulary
        #expect(d.count == 4 && d.height == 2 && d.width == 2)
        // Sample 1 (red 51 → 0.2) occupies images[12..<24]: red plane, then green, blue.
        #expect(d.images[12..<16].allSatisfy { abs($0 - 0.2) < 1e-6 } && Array(d.images[16..<24]) == [Float](repeating: 0, count: 8))
        #expect(Array(d.masks[8..<12]) == [0, 0, 1, 0])
        // "the ship on the left" → 5 words + 1 pad.
        #expect(Array(d.tokenIDs[0..<6]) == ["the", "ship", "on", "the", "left"].map { v.id($0) } + [0])
        #expect(Array(d.paddingMask[0..<6]) == [1, 1, 1, 1, 1, 0])
        #expect(Array(d.objectMask[0..<6]) == [0, 1, 0, 0, 0, 0])
        #expect(Array(d.positionMask[0..<6]) == [0, 0, 1, 1, 1, 0])
        // "a storage tank": no position phrase → position mask covers the words, not the padding.
        #expect(Array(d.positionMask[6..<12]) == [1, 1, 1, 0, 0, 0] && Array(d.objectMask[6..<12]) == [0, 1, 1, 0, 0, 0])
        // 9 words truncated to 6: "the vehicle at the top right | of the image".
        #expect(Array(d.positionMask[12..<18]) == [0, 0, 1, 1, 1, 1] && Array(d.paddingMask[12..<18]) == [1, 1, 1, 1, 1, 1])
    }

    @Test func epochsShuffleDeterministically() throws {
        let d = try Self.prepared()
        let a = BatchLoader(dataset: d, batchSize: 3, seed: 7), b = BatchLoader(dataset: d, batchSize: 3, seed: 7)
        #expect(a.batchCount == 2)
        #expect(BatchLoader(dataset: d, batchSize: 3, dropLast: true).batchCount == 1)
        #expect(a.order(epoch: 0) == b.order(epoch: 0) && a.order(epoch: 0).sorted() == [0, 1, 2, 3])
        #expect((0..<6).map { a.order(epoch: $0) }.contains { $0 != a.order(epoch: 0) })
        #expect(BatchLoader(dataset: d, batchSize: 3, shuffle: false).order(epoch: 5) == [0, 1, 2, 3])
        let first = a.arrays(epoch: 0, index: 0), last = a.arrays(epoch: 0, index: 1)
        #expect(first.batchSize == 3 && last.batchSize == 1)
        #expect(first.indices + last.indices == a.order(epoch: 0))
        #expect(first.ids == first.indices.map { "s\($0)" })
    }

    @Test func horizontalFlipInBatchRewritesTokens() throws {
        let d = try Self.prepared()
        let v = d.vocabulary
        let loader = BatchLoader(dataset: d, batchSize: 4, shuffle: false, flips: FlipAugmentation(horizontal: 1), seed: 1)
        let b = loader.arrays(epoch: 0, index: 0)
        #expect(b.flips.allSatisfy { $0 == (true, false) })
        // Masks: sample 0's pixel (0,0) → (1,0); sample 2's pixel (0,1) → (1,1).
        #expect(Array(b.masks[0..<4]) == [0, 1, 0, 0] && Array(b.masks[8..<12]) == [0, 0, 0, 1])
        #expect(Array(b.tokenIDs[0..<6]) == ["the", "ship", "on", "the", "right"].map { v.id($0) } + [0])
        #expect(Array(b.tokenIDs[12..<18]) == ["the", "vehicle", "at", "the", "top", "left"].map { v.id($0) })
        #expect(b.positionMask == Array(d.positionMask[0..<24]))
        // A vertical flip rewrites top → bottom and moves sample 2's pixel (0,1) → (0,0).
        let vb = BatchLoader(dataset: d, batchSize: 4, shuffle: false, flips: FlipAugmentation(vertical: 1)).arrays(epoch: 0, index: 0)
        #expect(Array(vb.tokenIDs[16..<18]) == [v.id("bottom"), v.id("right")])
        #expect(Array(vb.masks[8..<12]) == [1, 0, 0, 0])
    }

    @Test func flipDrawsAreSeededPerSampleAndEpoch() throws {
        let d = try Self.prepared()
        let loader = BatchLoader(dataset: d, batchSize: 2, flips: .standard, seed: 3)
        let x = loader.arrays(indices: [2, 0], epoch: 4), y = loader.arrays(indices: [0, 2], epoch: 4)
        #expect(x.flips[0] == y.flips[1] && x.flips[1] == y.flips[0])
        let draws = (0..<40).map { loader.arrays(indices: [1], epoch: $0).flips[0] }
        #expect(draws.contains { $0.0 } && draws.contains { !$0.0 } && draws.contains { $0.1 } && draws.contains { !$0.1 })
    }

    @Test func batchTensorsHaveDocumentedShapes() throws {
        let d = try Self.prepared()
        let batch = BatchLoader(dataset: d, batchSize: 3, shuffle: false).batch(epoch: 0, index: 0)
        #expect(batch.images.shape == [3, 3, 2, 2] && batch.masks.shape == [3, 1, 2, 2])
        #expect(batch.paddingMask.shape == [3, 6] && batch.objectMask.shape == [3, 6] && batch.positionMask.shape == [3, 6])
        #expect(batch.tokenIDs.count == 18 && batch.length == 6 && batch.batchSize == 3)
        #expect(Array(batch.masks.scalars) == Array(d.masks[0..<12]))
        #expect(batch.ids == ["s0", "s1", "s2"] && batch.tags.map(\.category) == ["c0", "c1", "c2"])
        let all = Array(BatchLoader(dataset: d, batchSize: 3, shuffle: false).batches(epoch: 0))
        #expect(all.map(\.batchSize) == [3, 1])
    }

    @Test func resizesMixedSizes() throws {
        var s = Self.samples()
        s[0] = RRSISSample(id: "big", image: PixelImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 255, count: 48)),
                           mask: [UInt8](repeating: 1, count: 16), expression: "x", split: .train, tags: SampleTags())
        #expect(dataError { _ = try PreparedDataset(samples: s, vocabulary: Vocabulary(building: []), decoupler: PhraseDecoupler(classList: ClassLists.synthetic)) } != nil)
        let d = try PreparedDataset(samples: s, vocabulary: Vocabulary(building: []), decoupler: PhraseDecoupler(classList: ClassLists.synthetic),
                                    imageSize: 2, normalization: .unit)
        #expect(Array(d.images[0..<4]) == [1, 1, 1, 1] && Array(d.masks[0..<4]) == [1, 1, 1, 1])
    }
}
