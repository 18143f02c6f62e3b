import NN

/// The decoder slot: the scale module's four maps → the two class logits at the input resolution.
public protocol DecoderModule: Module {
    /// - Parameters: maps `[B, C_i, H/s_i, W/s_i]` (s = 4, 8, 16, 32); outputSize `(H, W)`.
    /// - Returns: logits `[B, 2, H, W]` (background, target).
    func callAsFunction(_ maps: [Tensor], outputSize: (Int, Int)) -> Tensor
}
