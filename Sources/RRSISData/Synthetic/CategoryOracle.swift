/// A reference point of the synthetic benchmark: the **category oracle** predicts every visible pixel of the
/// target's category in the scene — a perfect category segmenter that ignores the rest of the expression
/// (position, size, colour, the anchor of "next to"). Its score is what a model earns by segmenting the
/// named category alone; what a model scores above it, it owes to grounding the rest of the expression.
extension SyntheticGenerator {
    /// The category oracle on sample `index` of `split` (the configuration is assumed valid): intersection and
    /// union with the sample's target mask, in pixels at the image's size (as the evaluation counts them), and
    /// the sample's tags. The scene is the one `sample(_:split:index:)` makes.
    public static func categoryOracle(_ config: SyntheticConfig, split: Split, index: Int)
        -> (intersection: Int, union: Int, tags: SampleTags) {
        let (id, scene, render) = composed(config, split: split, index: index)
        let target = UInt8(scene.objects[0].category.rawValue + 1)
        var i = 0, u = 0
        for (label, truth) in zip(categoryLabels(scene, render), render.mask) {
            let predicted = label == target, labelled = truth != 0
            if predicted && labelled { i += 1 }
            if predicted || labelled { u += 1 }
        }
        return (i, u, scene.sample(id: id, split: split, config: config, render: render).tags)
    }
}
