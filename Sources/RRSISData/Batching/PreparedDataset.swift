import Foundation

/// A dataset split turned into model-ready arrays once, so that batches are plain memory copies:
/// images resized and normalised to planar floats, masks as 0/1 floats, expressions tokenised and
/// decoupled into object/position masks.
///
/// Layout (sample-major, row-major): `images` `[N, 3, H, W]`, `masks` `[N, H, W]`, `tokenIDs`,
/// `paddingMask`, `objectMask`, `positionMask` `[N, L]`.
public struct PreparedDataset: Sendable {
    /// Samples `N`.
    public let count: Int
    public let height: Int, width: Int
    /// Token positions per expression (`L`).
    public let maxLength: Int
    /// `[N, 3, H, W]`, normalised.
    public let images: [Float]
    /// `[N, H, W]`, 0/1.
    public let masks: [Float]
    /// `[N, L]` token ids (0 = `<pad>`).
    public let tokenIDs: [Int32]
    /// 1 = word, 0 = padding.
    public let paddingMask: [Float]
    /// 1 = word of a category name (ground-object phrase).
    public private(set) var objectMask: [Float]
    /// 1 = word of a spatial-position phrase.
    public private(set) var positionMask: [Float]
    /// The decoupler that made `objectMask` and `positionMask`.
    public private(set) var decoupler: PhraseDecoupler
    public let ids: [String]
    public let tags: [SampleTags]
    public let expressions: [String]
    /// The vocabulary the ids refer to (save it with the run).
    public let vocabulary: Vocabulary
    let horizontalFlipIDs: [Int32]
    let verticalFlipIDs: [Int32]

    /// Prepares `samples`, resizing every image (bilinear) and mask (nearest) to `imageSize × imageSize`
    /// (`nil`: keep the size, which must then be equal for all samples).
    public init(samples: [RRSISSample], vocabulary: Vocabulary, decoupler: PhraseDecoupler,
                imageSize: Int? = nil, maxLength: Int = 20, normalization: Normalization = .imageNet) throws {
        guard maxLength > 0 else { throw DataError.invalidParameter(name: "maxLength", value: "\(maxLength)", expected: "≥ 1") }
        let w = imageSize ?? samples.first?.image.width ?? 1
        let h = imageSize ?? samples.first?.image.height ?? 1
        if imageSize == nil, let bad = samples.first(where: { $0.image.width != w || $0.image.height != h }) {
            throw DataError.sizeMismatch(path: "sample \(bad.id)", expected: "\(w)x\(h) (pass imageSize to resize)",
                                         found: "\(bad.image.width)x\(bad.image.height)")
        }
        let n = samples.count, L = maxLength, plane = w * h
        var images = [Float](repeating: 0, count: n * 3 * plane)
        var masks = [Float](repeating: 0, count: n * plane)
        images.withUnsafeMutableBufferPointer { ib in
            masks.withUnsafeMutableBufferPointer { mb in
                let ip = ib.baseAddress!, mp = mb.baseAddress!
                DispatchQueue.concurrentPerform(iterations: n) { i in
                    let s = samples[i]
                    let img = Resize.bilinear(s.image, width: w, height: h)
                    let chw = normalization.chw(img)
                    chw.withUnsafeBufferPointer { (ip + i * 3 * plane).update(from: $0.baseAddress!, count: 3 * plane) }
                    let m = Resize.nearest(s.mask, width: s.image.width, height: s.image.height, toWidth: w, height: h)
                    for k in 0..<plane { mp[i * plane + k] = Float(m[k]) }
                }
            }
        }
        var ids = [Int32](repeating: 0, count: n * L)
        var pad = [Float](repeating: 0, count: n * L)
        for (i, s) in samples.enumerated() {
            let e = vocabulary.encode(words: Tokenizer.words(s.expression), maxLength: L)
            for k in 0..<L {
                ids[i * L + k] = e.ids[k]
                pad[i * L + k] = e.paddingMask[k]
            }
        }
        let (obj, pos) = Self.phraseMasks(samples.map(\.expression), decoupler: decoupler, maxLength: L)
        self.count = n; self.height = h; self.width = w; self.maxLength = L
        self.images = images; self.masks = masks; self.tokenIDs = ids
        self.paddingMask = pad; self.objectMask = obj; self.positionMask = pos; self.decoupler = decoupler
        self.ids = samples.map(\.id); self.tags = samples.map(\.tags); self.expressions = samples.map(\.expression)
        self.vocabulary = vocabulary
        horizontalFlipIDs = vocabulary.flipTable(.horizontal)
        verticalFlipIDs = vocabulary.flipTable(.vertical)
    }
}

extension PreparedDataset {
    /// The same split with its object/position masks made by `grammar` (everything else shared).
    public func rephrased(_ grammar: PhraseGrammar) -> PreparedDataset {
        guard grammar != decoupler.grammar else { return self }
        var copy = self
        copy.decoupler = PhraseDecoupler(classList: decoupler.classList, grammar: grammar)
        (copy.objectMask, copy.positionMask) = Self.phraseMasks(expressions, decoupler: copy.decoupler, maxLength: maxLength)
        return copy
    }

    /// `[N, L]` object and position masks of `expressions` (words past `maxLength` are cut).
    static func phraseMasks(_ expressions: [String], decoupler: PhraseDecoupler, maxLength L: Int) -> ([Float], [Float]) {
        var obj = [Float](repeating: 0, count: expressions.count * L), pos = obj
        for (i, expression) in expressions.enumerated() {
            let d = decoupler.decouple(expression)
            for k in 0..<min(L, d.words.count) {
                obj[i * L + k] = d.objectMask[k] ? 1 : 0
                pos[i * L + k] = d.positionMask[k] ? 1 : 0
            }
        }
        return (obj, pos)
    }
}

/// One batch as plain arrays (the tensor-free twin of `Batch`); shapes as in `Batch`.
public struct BatchArrays: Sendable {
    public var batchSize: Int, length: Int, height: Int, width: Int
    /// `[B, 3, H, W]`, normalised.
    public var images: [Float]
    /// `[B, 1, H, W]`, 0/1.
    public var masks: [Float]
    /// `[B, L]`.
    public var tokenIDs: [Int32]
    public var paddingMask: [Float], objectMask: [Float], positionMask: [Float]
    /// Index of each batch element in the prepared dataset.
    public var indices: [Int]
    public var ids: [String]
    public var tags: [SampleTags]
    /// Flips applied to each element, `(horizontal, vertical)`.
    public var flips: [(Bool, Bool)]
}
