import Dispatch
import NN
import RRSISData

/// The backbone's pretraining stage: this project's stand-in for the ImageNet-pretrained Swin every FIANet
/// variant starts from. The backbone (its alignment modules replaced by identities, as a plain Swin has
/// none) and a fresh LAVT-style decoder learn semantic segmentation of the synthetic world — every visible
/// object labelled with its category, 11 classes — on scenes from the pretraining seed stream
/// (`SyntheticGenerator.labelledScene`), which no benchmark split shares. Only the backbone's weights are
/// kept (`transferable`); the decoder is thrown away, and alignment modules start fresh in every variant.
///
/// The result depends only on this recipe and the backbone's configuration (`key`), so one pretraining
/// serves every variant, seed and spec that names the same pair.
public struct BackbonePretraining: Equatable, Sendable {
    /// Pretraining scenes per epoch.
    public var scenes: Int
    public var epochs: Int
    /// Side of the scenes, pixels (the benchmark's image size).
    public var imageSize: Int
    public var batchSize = 16
    public var learningRate = 1e-3
    public var weightDecay = 0.01
    /// Seeds the pretraining world, the head's initialisation and the shuffling (the backbone's initial
    /// weights come from its builder).
    public var seed: UInt64 = 0
    /// Bumped whenever the procedure changes in a way that changes its result.
    public static let version = 2   // 2: trunc-normal bounds in value, as timm (the initial weights changed)

    public init(scenes: Int, epochs: Int, imageSize: Int) {
        self.scenes = scenes
        self.epochs = epochs
        self.imageSize = imageSize
    }

    /// Every input of the result, in a stable text: this recipe, the generator's version and the backbone's
    /// own description (its component name and parameters).
    public func canonicalDescription(backbone: String) -> String {
        "pretrain=segmentation;v\(Self.version);generator=v\(SyntheticGenerator.version);scenes=\(scenes);epochs=\(epochs);"
            + "size=\(imageSize);batch=\(batchSize);lr=\(learningRate);wd=\(weightDecay);seed=\(seed);backbone=\(backbone)"
    }

    /// The artifact's content key: 16 hex digits of FNV-1a 64 over `canonicalDescription`.
    public func key(backbone: String) -> String { fnv1a64Hex(canonicalDescription(backbone: backbone)) }

    /// The pretraining world's configuration: the benchmark's defaults at `imageSize`, seeded with `seed`.
    var world: SyntheticConfig {
        var config = SyntheticConfig()
        config.imageSize = imageSize
        config.seed = seed
        return config
    }

    /// Pretrains `backbone` in place and returns its transferable state.
    /// - Parameters: backbone built with `IdentityAlignment` in every stage; decoderWidth the head's hidden
    ///   width; progress receives (epoch, mean loss, pixel accuracy on the epoch's batches) after each epoch.
    public func run(_ backbone: any Backbone, decoderWidth: Int = 64,
                    progress: (_ epoch: Int, _ loss: Double, _ accuracy: Double) -> Void = { _, _, _ in }) throws
        -> [(name: String, tensor: Tensor)] {
        precondition(scenes >= batchSize && epochs >= 1, "BackbonePretraining: need scenes ≥ batch size and epochs ≥ 1")
        let data = LabelledScenes(world, count: scenes)
        var rng = RNG(seed: seed ^ 0x4845_4144)   // "HEAD"
        let net = PretrainingNet(backbone: backbone,
                                 head: LAVTDecoder(channels: backbone.channels, hidden: decoderWidth, classes: LabelledScene.classCount, rng: &rng))
        let loop = PretrainingLoop(epochs: epochs, steps: scenes / batchSize, learningRate: learningRate, weightDecay: weightDecay)
        try loop.run(net, loss: Self.loss, batches: { epoch in
            let order = shuffled(scenes, epoch: epoch)
            return { s in
                let (images, labels) = data.batch(Array(order[(s * batchSize)..<((s + 1) * batchSize)]))
                return (net(images), labels)
            }
        }, progress: progress)
        return Self.transferable(backbone)
    }

    /// The pretraining loss: mean cross-entropy over pixels + the soft Dice loss of every class, averaged over
    /// images and classes (`1 − (2·Σp·t + 1) / (Σp + Σt + 1)`, softmax probabilities), so that categories of
    /// a few pixels (vehicles, chimneys) weigh as much as the background.
    /// - Parameters: logits `[B, C, H, W]`; labels `B·H·W` class indices.
    public static func loss(_ logits: Tensor, _ labels: [Int64]) -> Tensor {
        let (b, c) = (logits.shape[0], logits.shape[1]), n = logits.shape[2] * logits.shape[3]
        var onehot = [Float](repeating: 0, count: b * c * n)
        for i in 0..<b { for p in 0..<n { onehot[(i * c + Int(labels[i * n + p])) * n + p] = 1 } }
        let t = Tensor(shape: [b, c, n], data: onehot)
        let prob = softmax(logits, axis: 1).reshaped([b, c, n])
        let dice = (2 * (prob * t).sum(axis: 2) + 1) / (prob.sum(axis: 2) + t.sum(axis: 2) + 1)   // [B, C]
        return crossEntropy(logits, classIndices: labels) + (1 - dice.mean())
    }

    /// The backbone's state that pretraining produces: every parameter and buffer except the alignment
    /// modules' (a stage's `align`), which each variant initialises itself.
    public static func transferable(_ backbone: Module) -> [(name: String, tensor: Tensor)] {
        backbone.stateTensors().filter { !$0.name.split(separator: ".").contains("align") }
    }

    /// Copies pretrained state into `backbone` (every transferable tensor must be present with its shape;
    /// alignment modules are left as built).
    public static func load(_ state: [(name: String, tensor: Tensor)], into backbone: Module, source: String) throws {
        try Checkpoint.copy(state, into: transferable(backbone), source: source, strict: true)
    }

    /// Scene indices of an epoch, shuffled by `seed` and the epoch (Fisher–Yates).
    func shuffled(_ n: Int, epoch: Int) -> [Int] {
        var random = SeededRandom(seed: seed, salt: 0x5053_4855, index: UInt64(epoch))   // "PSHU"
        var order = Array(0..<n)
        random.shuffle(&order)
        return order
    }
}

/// An alignment that fuses nothing: the stage's map passes on unchanged (a plain backbone, for pretraining).
public final class IdentityAlignment: Module, AlignmentModule {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor, text: TextFeatures) -> (visual: Tensor, output: Tensor) { (x, x) }
}

/// Backbone + segmentation head, trained together during pretraining.
final class PretrainingNet: Module {
    let backbone: any Backbone
    let head: LAVTDecoder

    init(backbone: any Backbone, head: LAVTDecoder) {
        self.backbone = backbone
        self.head = head
        super.init()
    }

    /// images `[B, 3, H, W]` → class logits `[B, 11, H, W]`.
    func callAsFunction(_ images: Tensor) -> Tensor {
        let b = images.shape[0]
        let none = Tensor.zeros([b, 1, 1]), mask = Tensor.zeros([b, 1])
        let text = TextFeatures(context: none, contextMask: mask, object: none, objectMask: mask, position: none,
                                positionMask: mask, sentence: Tensor.zeros([b, 1]))
        return head(backbone(images, text: text), outputSize: (images.shape[2], images.shape[3]))
    }
}

/// The pretraining scenes, generated once on all cores and kept as 8-bit pixels and labels.
struct LabelledScenes {
    let scenes: [LabelledScene]
    let size: Int

    init(_ config: SyntheticConfig, count: Int) {
        var out = [LabelledScene?](repeating: nil, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let chunks = Swift.min(count, 64)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in stride(from: c, to: count, by: chunks) { (base + i).pointee = SyntheticGenerator.labelledScene(config, index: i) }
            }
        }
        scenes = out.map { $0! }
        size = config.imageSize
    }

    /// Images `[B, 3, H, W]` (ImageNet-normalised, as the benchmark's) and their labels, for scene indices.
    func batch(_ indices: [Int]) -> (Tensor, [Int64]) {
        let n = size * size
        var pixels = [Float](), labels = [Int64]()
        pixels.reserveCapacity(indices.count * 3 * n)
        labels.reserveCapacity(indices.count * n)
        for i in indices {
            pixels += Normalization.imageNet.chw(scenes[i].image)
            labels += scenes[i].labels.map(Int64.init)
        }
        return (Tensor(shape: [indices.count, 3, size, size], data: pixels), labels)
    }
}
