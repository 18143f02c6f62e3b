import NN

/// What a backbone stage calls after its blocks: fuse language into the visual map.
public protocol AlignmentModule: Module {
    /// - Parameters: x `[B, C, H, W]` the stage's visual map; text the decoupled word features.
    /// - Returns: `visual`, the updated map `[B, C, H, W]` the next stage continues from; and `output`, the
    ///   map `[B, C, H, W]` handed to the scale module and decoder (LAVT/FIANet pass the ungated
    ///   multimodal term `r` here, not the updated visual tokens).
    func callAsFunction(_ x: Tensor, text: TextFeatures) -> (visual: Tensor, output: Tensor)
}

/// How a backbone makes the alignment module of each stage: (stage index, channels) → module, its weights
/// drawn from the backbone's generator.
public typealias AlignmentFactory = (_ stage: Int, _ channels: Int, _ rng: inout RNG) throws -> any AlignmentModule
