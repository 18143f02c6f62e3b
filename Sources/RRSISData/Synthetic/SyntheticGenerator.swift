import Foundation

/// An object placed in a scene.
struct SceneObject {
    var category: SyntheticCategory
    var x: Double, y: Double          // centre, pixels
    var s: Double                     // size parameter (see `SyntheticCategory`)
    var angle: Double                 // radians
    var variant: Int
    var radius: Double { category.boundingRadius(s) }
}

/// The deterministic generator of the synthetic aerial RRSIS benchmark.
///
/// Each sample is an independent function of `(config, split, index)`: its generator is seeded with
/// stream `(config.seed, split, index)`, so samples can be made in parallel, in any order, and splits
/// draw from disjoint seed streams.
public enum SyntheticGenerator {
    /// Bumped whenever a change alters generated pixels or text; part of the cache key.
    public static let version = 1

    /// Every sample of `split`, in index order, generated on all cores.
    public static func generate(_ config: SyntheticConfig, split: Split) throws -> [RRSISSample] {
        try config.validate()
        let n = config.count(of: split)
        var out = [RRSISSample?](repeating: nil, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let chunks = min(n, ProcessInfo.processInfo.activeProcessorCount * 4)
            guard chunks > 0 else { return }
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in stride(from: c, to: n, by: chunks) { (base + i).pointee = sample(config, split: split, index: i) }
            }
        }
        return out.map { $0! }
    }

    /// Sample `index` of `split` (the configuration is assumed valid).
    public static func sample(_ config: SyntheticConfig, split: Split, index: Int) -> RRSISSample {
        let (id, scene, render) = composed(config, split: split, index: index)
        return scene.sample(id: id, split: split, config: config, render: render)
    }

    /// Sample `index` of `split` before it becomes an `RRSISSample`: its id, scene and rendering.
    static func composed(_ config: SyntheticConfig, split: Split, index: Int) -> (id: String, scene: ComposedScene, render: SceneRenderer.Output) {
        var rng = SeededRandom(seed: config.seed, salt: split.salt, index: UInt64(index))
        let id = "syn-\(split.rawValue)-" + String(format: "%06d", index)
        let (scene, render) = compose(config, rng: &rng, id: id)
        return (id, scene, render)
    }

    /// Salt of the pretraining world's seed stream: distinct from every split's (1, 2, 3), so no pretraining
    /// scene is a benchmark scene.
    public static let pretrainingSalt: UInt64 = 0x5052_4554   // "PRET"

    /// Scene `index` of the pretraining world — composed and rendered exactly as benchmark samples are, from
    /// its own seed stream — with every visible object labelled by category: `labels[p]` is 0 for background
    /// (and object context such as shadows) and `category.rawValue + 1` on an object's pixels. (The
    /// configuration is assumed valid; its split sizes are not used.)
    public static func labelledScene(_ config: SyntheticConfig, index: Int) -> LabelledScene {
        var rng = SeededRandom(seed: config.seed, salt: pretrainingSalt, index: UInt64(index))
        let (scene, render) = compose(config, rng: &rng, id: "pretrain-\(index)")
        return LabelledScene(image: render.image, labels: categoryLabels(scene, render))
    }

    /// The expression of pretraining scene `index` (the text encoder's pretraining corpus; the same scene
    /// as `labelledScene(config, index:)`).
    public static func pretrainingExpression(_ config: SyntheticConfig, index: Int) -> String {
        var rng = SeededRandom(seed: config.seed, salt: pretrainingSalt, index: UInt64(index))
        return compose(config, rng: &rng, id: "pretrain-\(index)").0.expression
    }

    /// Per pixel: 0 where no object is visible, else the visible object's `category.rawValue + 1`.
    static func categoryLabels(_ scene: ComposedScene, _ render: SceneRenderer.Output) -> [UInt8] {
        render.instances.map { $0 < 0 ? UInt8(0) : UInt8(scene.objects[Int($0)].category.rawValue + 1) }
    }

    /// The first scene of `rng`'s stream that composes and renders.
    static func compose(_ config: SyntheticConfig, rng: inout SeededRandom, id: String) -> (ComposedScene, SceneRenderer.Output) {
        let builder = SceneBuilder(config: config)
        for attempt in 0..<60 {
            // Late attempts fall back to the easiest kind so generation always terminates.
            let kind = attempt < 40 ? builder.pickKind(&rng) : .category
            guard let scene = builder.attempt(&rng, kind: kind) else { continue }
            if let render = SceneRenderer.render(scene, config: config, rng: &rng, strict: attempt < 59) {
                return (scene, render)
            }
        }
        preconditionFailure("SyntheticGenerator: no scene for sample \(id) after 60 attempts")
    }
}

/// A pretraining scene: the image and its per-pixel category labels (0 background, `rawValue + 1` objects).
public struct LabelledScene: Sendable {
    public var image: PixelImage
    public var labels: [UInt8]
    /// Classes of `labels`: background and the ten categories.
    public static let classCount = SyntheticCategory.allCases.count + 1
}

/// What tells the target apart in a sample.
enum SampleKind { case position, relative, size, colour, category }

/// A composed scene before rendering: objects (target first), the expression and its tags.
struct ComposedScene {
    var objects: [SceneObject]
    var expression: String
    var kind: SampleKind
    var positionNeeded: Bool

    func sample(id: String, split: Split, config: SyntheticConfig, render: SceneRenderer.Output) -> RRSISSample {
        let area = render.mask.reduce(0) { $0 + Int($1) }
        let cue: String
        switch kind {
        case .position: cue = "position"
        case .relative: cue = "relative"
        case .size: cue = "size"
        case .colour: cue = "colour"
        case .category: cue = "category"
        }
        let tags = SampleTags(category: objects[0].category.name,
                              scale: ScaleBucket(area: area, imageArea: config.imageSize * config.imageSize),
                              positionNeeded: positionNeeded, cue: cue)
        return RRSISSample(id: id, image: render.image, mask: render.mask, expression: expression, split: split, tags: tags)
    }
}
