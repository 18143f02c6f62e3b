import NN

/// A referring segmentation model assembled from registered components:
/// text encoder → backbone (with per-stage alignment) → scale module → decoder.
public final class Segmenter: Module {
    public let text: any TextEncoderModule
    public let backbone: any Backbone
    public let scale: any ScaleModule
    public let decoder: any DecoderModule

    public init(text: any TextEncoderModule, backbone: any Backbone, scale: any ScaleModule, decoder: any DecoderModule) {
        self.text = text
        self.backbone = backbone
        self.scale = scale
        self.decoder = decoder
        super.init()
        assignCostScopes()
    }

    /// - Parameters: images `[B, 3, H, W]` (H, W multiples of 32); the expressions' tokens and masks.
    /// - Returns: logits `[B, 2, H, W]` (background, target).
    public func callAsFunction(_ images: Tensor, _ input: TextInput) -> Tensor {
        let words = text(input)
        let maps = backbone(images, text: words)
        let enhanced = scale(maps, text: words)
        return decoder(enhanced, outputSize: (images.shape[2], images.shape[3]))
    }

    /// FIANet's training loss, as the official code computes it (`loss/loss.py`): 0.9 × the mean
    /// cross-entropy with class weights (0.9 background, 1.1 target) + 0.1 × the Dice loss of *both*
    /// classes, **summed** over the batch's images and the two classes (smooth 1e-6). The sum makes the Dice
    /// term scale with the batch: at batch 16 it can reach 0.1 × 32 = 3.2, against a cross-entropy near
    /// 0.1–0.7, so Dice drives most of the gradient once the background is learned.
    public static let loss = WeightedLoss([(0.9, .crossEntropy(classWeights: [0.9, 1.1])), (0.1, .classDiceSum(smooth: 1e-6))])

    /// The predicted mask `[B, 1, H, W]` (1 where the target logit wins: argmax over the two classes).
    public static func prediction(_ logits: Tensor) -> Tensor {
        withNoGrad { logits.argmax(axis: 1).reshaped([logits.shape[0], 1, logits.shape[2], logits.shape[3]]) }
    }
}
