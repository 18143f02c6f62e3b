import CKernels
import TensorEngine

/// Parameters that share optimizer settings (PyTorch's param groups): typically one group with weight
/// decay and one without, for norms and biases.
public struct ParameterGroup {
    /// The tensors to update, with their dotted names (the names key the optimizer state in checkpoints).
    public var parameters: [(name: String, tensor: Tensor)]
    /// Decoupled (AdamW) or L2 (SGD) weight decay for this group.
    public var weightDecay: Float
    /// This group's learning rate is `optimizer.learningRate · learningRateScale` (e.g. 0.1 for a backbone).
    public var learningRateScale: Float

    public init(_ parameters: [(name: String, tensor: Tensor)], weightDecay: Float = 0, learningRateScale: Float = 1) {
        self.parameters = parameters
        self.weightDecay = weightDecay
        self.learningRateScale = learningRateScale
    }
}

extension Module {
    /// Every parameter in two groups: those that get `weightDecay`, and those for which `exempt` holds,
    /// which get none — by default rank ≤ 1 tensors, i.e. biases and norm scales/shifts (the usual "no decay
    /// on norms and biases" rule). Empty groups are left out. Frozen parameters are included (the optimizer
    /// skips any parameter without a gradient), so unfreezing later needs no new optimizer.
    public func parameterGroups(weightDecay: Float, exempt: (String, Tensor) -> Bool = { $1.rank <= 1 }) -> [ParameterGroup] {
        let all = namedParameters()
        let decayed = all.filter { !exempt($0.name, $0.tensor) }
        let exempted = all.filter { exempt($0.name, $0.tensor) }
        return [ParameterGroup(decayed, weightDecay: weightDecay), ParameterGroup(exempted, weightDecay: 0)]
            .filter { !$0.parameters.isEmpty }
    }
}

/// The shared machinery of optimizers: parameter groups, the learning rate a schedule sets, per-parameter
/// state that checkpoints save and restore, gradient clipping. Subclasses implement `update`.
open class Optimizer {
    public let groups: [ParameterGroup]
    /// The base learning rate; a schedule sets it before each `step()`.
    public var learningRate: Float
    /// Number of `step()` calls so far.
    public internal(set) var stepCount = 0
    /// Per-parameter state by parameter name, then slot name (`exp_avg`, `momentum_buffer`, …), as PyTorch's
    /// `optimizer.state`. Created on a parameter's first update.
    public internal(set) var state: [String: [String: Tensor]] = [:]
    /// Updates applied per parameter (PyTorch's per-parameter `step`; Adam's bias correction uses it).
    public internal(set) var parameterSteps: [String: Int] = [:]

    public init(groups: [ParameterGroup], learningRate: Float) {
        let names = groups.flatMap { $0.parameters.map(\.name) }
        precondition(Set(names).count == names.count, "Optimizer: a parameter name appears twice in the groups")
        // step() updates all parameters at once: one tensor listed twice (under two names) would be updated
        // by two pieces concurrently. PyTorch rejects it too ("some parameters appear in more than one group").
        let tensors = groups.flatMap { $0.parameters.map { ObjectIdentifier($0.tensor) } }
        precondition(Set(tensors).count == tensors.count, "Optimizer: one tensor appears twice in the groups (under two names)")
        self.groups = groups
        self.learningRate = learningRate
    }

    /// A short identifier stored in checkpoints (`adamw`, `sgd`).
    open var kind: String { "optimizer" }

    /// Applies one update to every parameter that has a gradient (others are skipped, as in PyTorch).
    ///
    /// The updates are elementwise, so all parameters' work is cut into pieces of at most `pieceElements`
    /// and spread over the cores in one parallel region: parameter by parameter, the hundreds of biases and
    /// norm scales under the split size each ran on one core with the other idle. Same bits either way.
    public func step() {
        stepCount += 1
        var updates: [ElementwiseUpdate] = []
        for group in groups {
            let lr = learningRate * group.learningRateScale
            for (name, p) in group.parameters {
                guard let g = p.grad else { continue }
                precondition(g.shape == p.shape, "Optimizer: gradient of \(name) has shape \(g.shape), parameter \(p.shape)")
                let t = (parameterSteps[name] ?? 0) + 1
                parameterSteps[name] = t
                updates.append(update(name: name, parameter: p, gradient: g, step: t, learningRate: lr, weightDecay: group.weightDecay))
            }
        }
        var pieces: [(update: Int, range: Range<Int>)] = []
        for (i, u) in updates.enumerated() {
            for start in Swift.stride(from: 0, to: u.count, by: Optimizer.pieceElements) {
                pieces.append((i, start..<Swift.min(start + Optimizer.pieceElements, u.count)))
            }
        }
        Parallel.forEach(pieces.count) { k in updates[pieces[k].update].apply(pieces[k].range) }
    }

    /// Elements per piece of work in `step()`.
    static let pieceElements = Parallel.mapGrain

    /// One parameter's update: `apply(range)` updates elements `range` of a parameter of `count` elements
    /// (and its state) in place; pieces of one update are independent.
    public struct ElementwiseUpdate {
        public let count: Int
        public let apply: (Range<Int>) -> Void
        public init(count: Int, apply: @escaping (Range<Int>) -> Void) {
            self.count = count
            self.apply = apply
        }
    }

    /// The update of one parameter, run by `step()`. `step` counts this parameter's updates, starting at 1.
    /// State slots are created here (on the calling thread), not inside `apply`.
    open func update(name: String, parameter: Tensor, gradient: Tensor, step: Int, learningRate: Float,
                     weightDecay: Float) -> ElementwiseUpdate {
        preconditionFailure("\(type(of: self)) must override update(name:parameter:gradient:step:learningRate:weightDecay:)")
    }

    /// The state slot `slot` of parameter `name`, created as zeros shaped like `parameter` on first use.
    func slot(_ slot: String, of name: String, like parameter: Tensor) -> (tensor: Tensor, isNew: Bool) {
        if let t = state[name]?[slot] { return (t, false) }
        let t = Tensor.zeros(parameter.shape)
        state[name, default: [:]][slot] = t
        return (t, true)
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for group in groups { for (_, p) in group.parameters { p.zeroGrad() } }
    }

    /// Scales all gradients so that their global L2 norm is at most `maxNorm` (PyTorch
    /// `clip_grad_norm_`: factor `maxNorm / (norm + 1e-6)` when below 1). Returns the norm before clipping.
    @discardableResult
    public func clipGradNorm(maxNorm: Float) -> Float {
        NN.clipGradNorm(groups.flatMap { $0.parameters.map(\.tensor) }, maxNorm: maxNorm)
    }
}

/// Scales the gradients of `parameters` so their global L2 norm is at most `maxNorm` (PyTorch
/// `clip_grad_norm_`); parameters without gradients are ignored. Returns the norm before clipping
/// (accumulated in Double). A non-finite norm leaves the gradients unchanged and is returned as is.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    let grads = parameters.compactMap(\.grad)
    var total = 0.0
    for g in grads { total += fia_sum_squares(g.storage.pointer, g.count) }
    let norm = Float(total.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if norm.isFinite && coefficient < 1 {
        for g in grads { fia_scale_inplace(g.storage.pointer, g.count, coefficient) }
    }
    return norm
}
