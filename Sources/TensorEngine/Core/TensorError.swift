/// Why an op could not run. Ops never crash on bad shapes: they return a *failed* tensor carrying this
/// error, later ops pass it through, and `validated()` or `backward()` throws it — so a shape bug in a
/// model becomes one clear sentence naming the op and both shapes.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two shapes that the op needs to agree (or broadcast) do not.
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int], detail: String)
    /// An argument out of its range (an axis, a size, a probability).
    case invalidArgument(op: String, detail: String)
    /// `backward()` was called on something that is not a scalar or does not require a gradient.
    case notDifferentiable(detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs, detail):
            return "\(op): shapes \(lhs) and \(rhs) are incompatible — \(detail)"
        case let .invalidArgument(op, detail):
            return "\(op): \(detail)"
        case let .notDifferentiable(detail):
            return "backward: \(detail)"
        }
    }
}
