import Foundation
import Testing
@testable import RRSISData

@Suite struct SyntheticTests {
    static func small(seed: UInt64 = 3, train: Int = 24) -> SyntheticConfig {
        var c = SyntheticConfig()
        c.trainCount = train; c.valCount = 8; c.testCount = 8; c.seed = seed
        return c
    }

    @Test func sameParametersGiveBitIdenticalData() throws {
        let a = try SyntheticDataset.generate(Self.small())
        let b = try SyntheticDataset.generate(Self.small())
        #expect(a.train == b.train && a.val == b.val && a.test == b.test)
        // Random access gives the same sample as bulk (parallel) generation.
        #expect(SyntheticGenerator.sample(Self.small(), split: .train, index: 17) == a.train[17])
    }

    @Test func goldenFirstSample() {
        // Pins the generator: if this changes, bump `SyntheticGenerator.version` (cached datasets are
        // keyed by it) and update the constants.
        let s = SyntheticGenerator.sample(SyntheticConfig(), split: .train, index: 0)
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.image.pixels + s.mask + Array(s.expression.utf8) { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        #expect(s.id == "syn-train-000000")
        #expect(s.expression == GoldenSynthetic.expression)
        #expect(h == GoldenSynthetic.hash)
    }

    @Test func seedsAndSplitsAreDisjoint() throws {
        let a = try SyntheticDataset.generate(Self.small(seed: 3))
        let b = try SyntheticDataset.generate(Self.small(seed: 4))
        #expect(a.train[0].image != b.train[0].image)
        let trainImages = Set(a.train.map(\.image.pixels))
        #expect(a.val.allSatisfy { !trainImages.contains($0.image.pixels) })
        #expect(a.test.allSatisfy { !trainImages.contains($0.image.pixels) })
        #expect(Set(a.train.map(\.id)).count == a.train.count)
    }

    @Test func tagsMatchMasksAndCoverScales() throws {
        var c = Self.small(train: 300)
        c.seed = 11
        let samples = try SyntheticGenerator.generate(c, split: .train)
        let areas = samples.map(\.maskArea)
        for s in samples {
            #expect(s.maskArea > 0)
            #expect(s.tags.scale == ScaleBucket(area: s.maskArea, imageArea: 64 * 64))
            #expect(s.expression.contains(s.tags.category!))
            #expect(s.tags.positionNeeded == (s.tags.cue == "position" || s.tags.cue == "relative"))
        }
        #expect(Double(areas.max()!) / Double(areas.min()!) >= 10)
        #expect(Set(samples.map(\.tags.scale)).count == 3)
        #expect(Set(samples.map(\.tags.category)).count >= 8)
        #expect(Set(samples.map(\.tags.cue)) == ["position", "relative", "size", "colour", "category"])
    }

    @Test func kindWeightsControlTheMix() throws {
        var c = Self.small(train: 40)
        c.kindWeights = .init(position: 1, relative: 0, attribute: 0, category: 0)
        #expect(try SyntheticGenerator.generate(c, split: .train).allSatisfy { $0.tags.cue == "position" && $0.tags.positionNeeded == true })
        c.kindWeights = .init(position: 0, relative: 0, attribute: 0, category: 1)
        #expect(try SyntheticGenerator.generate(c, split: .train).allSatisfy { $0.tags.positionNeeded == false })
    }

    /// Whether the position words of `words` are true of `cell`.
    static func describes(_ words: [String], _ cell: GridCell) -> Bool {
        let w = Set(words)
        if w.contains("left") && cell.col != 0 { return false }
        if w.contains("right") && cell.col != 2 { return false }
        if !w.isDisjoint(with: ["top", "upper"]) && cell.row != 0 { return false }
        if !w.isDisjoint(with: ["bottom", "lower"]) && cell.row != 2 { return false }
        if !w.isDisjoint(with: ["middle", "center", "central"]) && cell != GridCell(row: 1, col: 1) { return false }
        return true
    }

    @Test func positionSamplesAreResolvedOnlyByThePhrase() {
        let builder = SceneBuilder(config: SyntheticConfig())
        var checked = 0
        for seed in 0..<200 {
            var rng = SeededRandom(seed: UInt64(seed))
            guard let scene = builder.attempt(&rng, kind: .position) else { continue }
            let words = Tokenizer.words(scene.expression)
            let same = scene.objects.dropFirst().filter { $0.category == scene.objects[0].category }
            #expect(!same.isEmpty)
            let target = scene.objects[0]
            #expect(Self.describes(words, GridCell(x: target.x, y: target.y, size: 64)), "\(scene.expression)")
            for d in same {
                #expect(!Self.describes(words, GridCell(x: d.x, y: d.y, size: 64)), "\(scene.expression)")
                #expect(d.variant == target.variant && abs(d.s / target.s - 1) < 0.16)   // nothing else differs
            }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func relativeAndAttributeSamplesAreUnambiguous() {
        let builder = SceneBuilder(config: SyntheticConfig())
        for seed in 0..<100 {
            var rng = SeededRandom(seed: UInt64(seed))
            if let scene = builder.attempt(&rng, kind: .relative) {
                let t = scene.objects[0], anchor = scene.objects[1]
                #expect(scene.expression.hasSuffix(anchor.category.name))
                for d in scene.objects.dropFirst(2) where d.category == t.category {
                    #expect(hypot(d.x - anchor.x, d.y - anchor.y) > hypot(t.x - anchor.x, t.y - anchor.y) + 6)
                }
            }
            if let scene = builder.attempt(&rng, kind: .size) {
                let t = scene.objects[0]
                let large = !Tokenizer.words(scene.expression).filter { ["large", "big", "larger"].contains($0) }.isEmpty
                for d in scene.objects.dropFirst() where d.category == t.category {
                    let ratio = (t.s * t.s) / (d.s * d.s)
                    #expect(large ? ratio >= 2.69 : ratio <= 1 / 2.69)
                }
            }
            if let scene = builder.attempt(&rng, kind: .colour) {
                let t = scene.objects[0]
                #expect(scene.expression.contains(t.category.colourNames[t.variant] + " " + t.category.name))
                for d in scene.objects.dropFirst() where d.category == t.category { #expect(d.variant != t.variant) }
            }
        }
    }

    @Test func invalidParametersAreNamed() {
        var c = SyntheticConfig()
        c.imageSize = 8
        #expect(dataError { try c.validate() } == .invalidParameter(name: "imageSize", value: "8", expected: "32…1024"))
        #expect(SyntheticConfig().fingerprint == SyntheticConfig().fingerprint)
        c = SyntheticConfig(); c.seed = 1
        #expect(c.fingerprint != SyntheticConfig().fingerprint)
        #expect(SyntheticConfig().fingerprint.count == 16)
    }
}

enum GoldenSynthetic {
    static let expression = "a bridge in the center"
    static let hash: UInt64 = 5091935462230960425
}

struct PretrainingWorldTests {
    @Test("pretraining scenes label every visible object by category, from a stream no split shares")
    func labelledScenes() {
        var config = SyntheticConfig()
        config.imageSize = 48
        var categoriesSeen = Set<UInt8>()
        for i in 0..<20 {
            let scene = SyntheticGenerator.labelledScene(config, index: i)
            #expect(scene.labels.count == 48 * 48 && scene.image.pixels.count == 48 * 48 * 3)
            #expect(scene.labels.allSatisfy { Int($0) < LabelledScene.classCount })
            #expect(scene.labels.contains { $0 > 0 } && scene.labels.contains(0))
            categoriesSeen.formUnion(scene.labels)
            #expect(scene.image != SyntheticGenerator.sample(config, split: .train, index: i).image)
            #expect(scene.image == SyntheticGenerator.labelledScene(config, index: i).image)
        }
        #expect(categoriesSeen.count >= 8, "\(categoriesSeen.sorted())")
    }

    @Test("composed from a split's stream, the category labels hold the benchmark sample's target mask under its category")
    func labelsAgreeWithTheTargetMask() {
        var config = SyntheticConfig()
        config.imageSize = 64
        for i in 0..<10 {
            var rng = SeededRandom(seed: config.seed, salt: Split.val.salt, index: UInt64(i))
            let (scene, render) = SyntheticGenerator.compose(config, rng: &rng, id: "t")
            let sample = SyntheticGenerator.sample(config, split: .val, index: i)
            #expect(render.image == sample.image)
            let labels = SyntheticGenerator.categoryLabels(scene, render)
            let target = UInt8(scene.objects[0].category.rawValue + 1)
            #expect(sample.tags.category == scene.objects[0].category.name)
            for (p, m) in sample.mask.enumerated() { #expect((m == 1) == (render.instances[p] == 0)) }
            #expect(zip(sample.mask, labels).allSatisfy { $0 == 0 || $1 == target })
            #expect(labels.filter { $0 > 0 }.count >= sample.maskArea)
        }
    }
}

struct CategoryOracleTests {
    /// The oracle predicts every visible pixel of the target's category: it always covers the whole target
    /// (intersection = the sample's mask area), scores exactly 1 where the target is its category's only
    /// instance (`cue=category`), and below 1 where same-category distractors stand beside it (`cue=position`,
    /// whose distractors are at least 60% visible).
    @Test func oracleCoversTheTargetAndOnlyTellsCategoriesApart() {
        var config = SyntheticConfig()
        config.imageSize = 64
        var cues: [String: Int] = [:]
        for i in 0..<60 {
            let sample = SyntheticGenerator.sample(config, split: .test, index: i)
            let oracle = SyntheticGenerator.categoryOracle(config, split: .test, index: i)
            #expect(oracle.tags == sample.tags)
            #expect(oracle.intersection == sample.maskArea)
            #expect(oracle.union >= oracle.intersection)
            switch sample.tags.cue {
            case "category": #expect(oracle.union == oracle.intersection, "\(sample.id): \(sample.expression)")
            case "position": #expect(oracle.union > oracle.intersection, "\(sample.id): \(sample.expression)")
            default: break
            }
            cues[sample.tags.cue ?? "", default: 0] += 1
        }
        #expect((cues["category"] ?? 0) >= 5 && (cues["position"] ?? 0) >= 5, "\(cues)")
    }
}
