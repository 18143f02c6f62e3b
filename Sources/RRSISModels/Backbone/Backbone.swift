import NN

/// The visual encoder: image `[B, 3, H, W]` → four maps at strides 4, 8, 16, 32. Between stages it calls
/// its alignment modules, so language guides visual encoding early (as LAVT and FIANet do).
public protocol Backbone: Module {
    /// Channels of the four maps.
    var channels: [Int] { get }
    /// - Parameters: images `[B, 3, H, W]` (H, W multiples of 32); text the decoupled word features.
    /// - Returns: the four alignment outputs `[B, C_i, H/s_i, W/s_i]`, s = 4, 8, 16, 32.
    func callAsFunction(_ images: Tensor, text: TextFeatures) -> [Tensor]
}
