import CKernels

/// Adam with decoupled weight decay (Loshchilov & Hutter), the update of `torch.optim.AdamW` (amsgrad off;
/// PyTorch's own kernels may round the last bit differently):
///
///     p ← p·(1 − lr·λ)
///     m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
///     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// with t the parameter's own update count. One fused pass over p, g, m, v per parameter (C kernel).
/// State slots: `exp_avg` (m) and `exp_avg_sq` (v), PyTorch's names.
public final class AdamW: Optimizer {
    public let beta1: Float, beta2: Float, eps: Float

    /// - Parameters:
    ///   - groups: e.g. `model.parameterGroups(weightDecay: 0.01)`.
    ///   - learningRate: the base rate (schedules overwrite `learningRate` each step).
    public init(groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        super.init(groups: groups, learningRate: learningRate)
    }

    /// One group: all of `parameters` with the same weight decay (PyTorch's AdamW default is 0.01).
    public convenience init(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3,
                            weightDecay: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8) {
        self.init(groups: [ParameterGroup(parameters, weightDecay: weightDecay)], learningRate: learningRate,
                  beta1: beta1, beta2: beta2, eps: eps)
    }

    public override var kind: String { "adamw" }

    public override func update(name: String, parameter p: Tensor, gradient g: Tensor, step t: Int,
                                learningRate lr: Float, weightDecay: Float) -> ElementwiseUpdate {
        let m = slot("exp_avg", of: name, like: p).tensor
        let v = slot("exp_avg_sq", of: name, like: p).tensor
        // Scalars in double, as PyTorch computes them in Python floats, then rounded once to float32.
        let bc1 = 1 - Double(beta1).power(t), bc2 = 1 - Double(beta2).power(t)
        let decay = Float(1 - Double(lr) * Double(weightDecay))
        let stepSize = Float(Double(lr) / bc1), bc2Sqrt = Float(bc2.squareRoot())
        let (b1, b2, e) = (beta1, beta2, eps)
        let pp = p.storage.pointer, gp = g.storage.pointer, mp = m.storage.pointer, vp = v.storage.pointer
        return ElementwiseUpdate(count: p.count) { r in
            let o = r.lowerBound
            fia_adamw_step(pp + o, gp + o, mp + o, vp + o, r.count, b1, b2, e, decay, stepSize, bc2Sqrt)
        }
    }
}

/// Stochastic gradient descent with momentum, the update of `torch.optim.SGD`: L2 weight decay added to the
/// gradient, the momentum buffer set to the first gradient on the first step, then
/// `buf ← μ·buf + (1 − dampening)·d`; Nesterov uses `d + μ·buf`. State slot: `momentum_buffer`.
public final class SGD: Optimizer {
    public let momentum: Float, dampening: Float, nesterov: Bool

    public init(groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and dampening 0")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        super.init(groups: groups, learningRate: learningRate)
    }

    /// One group: all of `parameters` with the same weight decay.
    public convenience init(parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float = 0,
                            dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, weightDecay: weightDecay)], learningRate: learningRate,
                  momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    public override var kind: String { "sgd" }

    public override func update(name: String, parameter p: Tensor, gradient g: Tensor, step t: Int,
                                learningRate lr: Float, weightDecay: Float) -> ElementwiseUpdate {
        var buffer: UnsafeMutablePointer<Float>? = nil
        var first = false
        if momentum != 0 {
            let s = slot("momentum_buffer", of: name, like: p)
            buffer = s.tensor.storage.pointer
            first = s.isNew
        }
        let pp = p.storage.pointer, gp = g.storage.pointer, bp = buffer
        let (mu, damp, nest) = (momentum, dampening, nesterov)
        return ElementwiseUpdate(count: p.count) { r in
            let o = r.lowerBound
            fia_sgd_step(pp + o, gp + o, bp.map { $0 + o }, r.count, lr, mu, damp, weightDecay, nest ? 1 : 0, first ? 1 : 0)
        }
    }
}

extension Double {
    /// x^n for a whole n ≥ 0, by repeated squaring (exact enough for β^t; avoids Foundation's pow).
    func power(_ n: Int) -> Double {
        var result = 1.0, base = self, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
