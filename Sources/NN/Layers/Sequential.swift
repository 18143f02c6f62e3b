/// Layers applied one after another (PyTorch `nn.Sequential`; children are named `0`, `1`, … as there).
public final class Sequential: Module, UnaryLayer {
    public let layers: [any UnaryLayer]

    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public convenience init(_ layers: any UnaryLayer...) { self.init(layers) }

    public override func namedChildren() -> [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as Module) }
    }

    /// - Parameter x: whatever the first layer takes. - Returns: the last layer's output.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped { layers.reduce(x) { h, layer in layer(h) } }
    }
}
