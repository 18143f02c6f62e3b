/// The five places in a `Segmenter` that a spec fills with a registered component, in data-flow order.
public enum ComponentSlot: String, CaseIterable, Sendable, Codable, Comparable {
    /// Image → four feature maps at strides 4, 8, 16, 32.
    case backbone
    /// Token ids → word features and a sentence vector.
    case text
    /// Per-stage visual–language fusion (coarse or FIAM).
    case alignment
    /// Multi-scale module between backbone and decoder (none, FPN, TMEM).
    case scale
    /// Progressive upsampling head → one logit map.
    case decoder

    public static func < (a: ComponentSlot, b: ComponentSlot) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
