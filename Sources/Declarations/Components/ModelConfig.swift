/// A model as a spec describes it: a resolved choice for every slot.
public struct ModelConfig: Hashable, Sendable {
    public var choices: [ComponentSlot: ComponentChoice]

    public init(_ choices: [ComponentSlot: ComponentChoice]) { self.choices = choices }

    /// The choice in `slot` (present in every validated config).
    public subscript(slot: ComponentSlot) -> ComponentChoice {
        guard let c = choices[slot] else { preconditionFailure("ModelConfig has no \(slot.rawValue); it was not validated") }
        return c
    }

    /// `{"alignment":{"name":…,"params":{…}},"backbone":…}`.
    public var json: JSONValue {
        .object(ComponentSlot.allCases.compactMap { slot in choices[slot].map { (slot.rawValue, $0.json) } })
    }
}
