import CKernels

/// One recorded op: its inputs and a closure mapping the output's gradient to the inputs' gradients
/// (nil for an input that needs none). The closure captures inputs and saved buffers, never the output.
final class GradNode {
    let op: String
    let inputs: [Tensor]
    let backward: (Tensor) -> [Tensor?]

    init(op: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    /// Whether an op on `inputs` should record a graph node.
    static func needsGrad(_ inputs: [Tensor]) -> Bool {
        GradMode.isEnabled && inputs.contains { $0.requiresGrad }
    }

    /// Records how this op result's gradient reaches `inputs`. No-op in no-grad mode or when no input
    /// requires a gradient. `backward` receives dL/d(self) and returns one gradient per input, each with
    /// that input's shape (or nil).
    @discardableResult
    public func recordingGradient(of inputs: Tensor..., op: String = #function,
                                  _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        recordingGradient(ofInputs: inputs, op: op, backward)
    }

    /// Array form of `recordingGradient(of:op:_:)`.
    @discardableResult
    public func recordingGradient(ofInputs inputs: [Tensor], op: String = #function,
                                  _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        var op = op
        if let profile = OpProfile.active {
            if !op.contains(" ") { op += " → \(shape)" }   // ops without their own detail are listed by output shape
            profile.forward(op)
        }
        guard failure == nil, Tensor.needsGrad(inputs) else { return self }
        requiresGrad = true
        gradFn = GradNode(op: op, inputs: inputs, backward: backward)
        return self
    }

    /// Reverse-mode differentiation from this scalar: accumulates dself/dleaf into every reachable leaf's
    /// `grad` (adding to what is there), then frees the graph so its saved buffers are released.
    /// - Parameter gradient: the seed dL/dself; defaults to 1 for a scalar.
    public func backward(gradient: Tensor? = nil) throws {
        if let failure { throw failure }
        guard requiresGrad else {
            throw TensorError.notDifferentiable(detail: "the tensor does not require a gradient (no trainable input reached it)")
        }
        if gradient == nil && count != 1 {
            throw TensorError.notDifferentiable(detail: "backward() without a gradient needs a one-element tensor, got shape \(shape)")
        }
        let seed = gradient ?? Tensor.ones(shape)
        if seed.shape != shape {
            throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: seed.shape, detail: "the seed gradient must have the output's shape")
        }

        // Topological order by iterative depth-first search (graphs can be thousands of ops deep).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            if let node = t.gradFn {
                for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                    stack.append((input, false))
                }
            }
        }

        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        // Gradients returned by backward closures may be shared (add passes dy to both inputs), so a
        // pending sum is only updated in place once we have made it ourselves.
        var owned = Set<ObjectIdentifier>()
        try GradMode.withNoGrad {
            for t in order.reversed() {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(t)) else { continue }
                guard let node = t.gradFn else {
                    // A leaf: accumulate.
                    if let existing = t.grad { Parallel.addInPlace(existing.storage.pointer, g.storage.pointer, count: g.count) }
                    else { t.grad = owned.contains(ObjectIdentifier(t)) ? g : g.detached() }
                    continue
                }
                let grads = if let profile = OpProfile.active { profile.backward(node.op) { node.backward(g) } } else { node.backward(g) }
                precondition(grads.count == node.inputs.count, "\(node.op): backward returned \(grads.count) gradients for \(node.inputs.count) inputs")
                for (input, grad) in zip(node.inputs, grads) {
                    guard input.requiresGrad, let grad else { continue }
                    if let failure = grad.failure { throw failure }
                    precondition(grad.shape == input.shape, "\(node.op): gradient shape \(grad.shape) ≠ input shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if let existing = pending[key] {
                        if owned.contains(key) {
                            Parallel.addInPlace(existing.storage.pointer, grad.storage.pointer, count: grad.count)
                        } else {
                            pending[key] = existing + grad
                            owned.insert(key)
                        }
                    } else {
                        pending[key] = grad
                    }
                }
                t.gradFn = nil  // free the graph as we go: saved inputs and buffers are released
            }
        }
    }
}
