/// A dataset split.
public enum Split: String, CaseIterable, Sendable, Codable {
    case train, val, test
    /// Salt of the split's seed stream in the synthetic generator (distinct per split).
    var salt: UInt64 {
        switch self {
        case .train: return 1
        case .val: return 2
        case .test: return 3
        }
    }
}

/// Target size bucket by mask area as a fraction of the image area: small < 1 %, medium < 4 %,
/// large ≥ 4 %.
public enum ScaleBucket: String, CaseIterable, Sendable, Codable {
    case small, medium, large

    /// The bucket of a mask with `area` foreground pixels in an image of `imageArea` pixels.
    public init(area: Int, imageArea: Int) {
        let f = Double(area) / Double(max(imageArea, 1))
        self = f < 0.01 ? .small : (f < 0.04 ? .medium : .large)
    }
}

/// Per-sample tags that reports break metrics down by. Fields a dataset doesn't know are `nil`
/// (e.g. `positionNeeded` for real datasets).
public struct SampleTags: Equatable, Sendable, Codable {
    /// Target category name (RRSIS-D / RefSegRS / synthetic spelling).
    public var category: String?
    /// Target scale bucket (filled from the mask when a manifest omits it).
    public var scale: ScaleBucket?
    /// Whether only the spatial phrase tells the target from same-category distractors.
    public var positionNeeded: Bool?
    /// Synthetic only: what identifies the target: "position", "relative", "size", "colour", "category".
    public var cue: String?

    public init(category: String? = nil, scale: ScaleBucket? = nil, positionNeeded: Bool? = nil, cue: String? = nil) {
        self.category = category; self.scale = scale; self.positionNeeded = positionNeeded; self.cue = cue
    }
}

/// One referring-segmentation sample in memory: an RGB image, the target's binary mask and one
/// referring expression.
public struct RRSISSample: Equatable, Sendable {
    /// Unique within the dataset (also the file stem on disk).
    public var id: String
    /// 8-bit RGB, `HWC` (`image.channels == 3`).
    public var image: PixelImage
    /// One byte per pixel, row-major, 0 = background, 1 = target; `image.width * image.height` long.
    public var mask: [UInt8]
    /// The referring expression as written (not tokenised).
    public var expression: String
    public var split: Split
    public var tags: SampleTags

    public init(id: String, image: PixelImage, mask: [UInt8], expression: String, split: Split, tags: SampleTags) {
        precondition(mask.count == image.width * image.height, "RRSISSample \(id): mask size differs from image size")
        self.id = id; self.image = image; self.mask = mask; self.expression = expression
        self.split = split; self.tags = tags
    }

    /// Foreground pixels of the mask.
    public var maskArea: Int { mask.reduce(0) { $0 + Int($1) } }
}

extension RRSISSample {
    /// The sample with its image resized bilinearly and its mask by nearest neighbour to
    /// `size × size` (unchanged when `size` is nil or already matches). Tags are kept.
    public func resized(to size: Int?) -> RRSISSample {
        guard let size, size != image.width || size != image.height else { return self }
        return RRSISSample(id: id, image: Resize.bilinear(image, width: size, height: size),
                           mask: Resize.nearest(mask, width: image.width, height: image.height, toWidth: size, height: size),
                           expression: expression, split: split, tags: tags)
    }
}
