import Testing
@testable import NN
import TestSupport

/// A nested model exercising every shape of property reflection: a child module, arrays of modules,
/// optional modules present and absent, buffers, a Sequential, a plain tensor and non-tensor state.
private final class Align: Module {
    let query: Linear
    let gate: Linear?
    let missing: Linear?
    init(_ d: Int, gated: Bool, rng: inout RNG) {
        query = Linear(d, d, rng: &rng)
        gate = gated ? Linear(d, 1, bias: false, rng: &rng) : nil
        missing = nil
        super.init()
    }
}

private final class Stage: Module {
    let conv: Conv2d
    let norm: BatchNorm2d
    let align: Align
    let depth: Int = 3  // ignored: not a tensor or module
    init(_ c: Int, gated: Bool, rng: inout RNG) {
        conv = Conv2d(c, c, kernelSize: 3, padding: 1, bias: false, rng: &rng)
        norm = BatchNorm2d(c)
        align = Align(c, gated: gated, rng: &rng)
        super.init()
    }
}

private final class Backbone: Module {
    let stem: Sequential
    let stages: [Stage]
    let scale: Tensor
    init(rng: inout RNG) {
        stem = Sequential(Conv2d(3, 4, kernelSize: 3, rng: &rng), ActivationLayer(.relu))
        stages = [Stage(4, gated: false, rng: &rng), Stage(4, gated: true, rng: &rng)]
        scale = Init.ones([1])
        super.init()
    }
}

private final class Net: Module {
    let backbone: Backbone
    let head: MLP
    let drop: Dropout
    init(rng: inout RNG) {
        backbone = Backbone(rng: &rng)
        head = MLP(4, hidden: 8, out: 2, rng: &rng)
        drop = Dropout(0.1, rng: &rng)
        super.init()
    }
}

struct ModuleTests {
    @Test func parameterNamesAndCountsOfANestedModel() {
        var rng = RNG(seed: 1)
        let net = Net(rng: &rng)
        // A module's own tensors come before its children's, as in PyTorch's named_parameters().
        let expected: [(String, [Int])] = [
            ("backbone.scale", [1]),
            ("backbone.stem.0.weight", [4, 3, 3, 3]), ("backbone.stem.0.bias", [4]),
            ("backbone.stages.0.conv.weight", [4, 4, 3, 3]),
            ("backbone.stages.0.norm.weight", [4]), ("backbone.stages.0.norm.bias", [4]),
            ("backbone.stages.0.align.query.weight", [4, 4]), ("backbone.stages.0.align.query.bias", [4]),
            ("backbone.stages.1.conv.weight", [4, 4, 3, 3]),
            ("backbone.stages.1.norm.weight", [4]), ("backbone.stages.1.norm.bias", [4]),
            ("backbone.stages.1.align.query.weight", [4, 4]), ("backbone.stages.1.align.query.bias", [4]),
            ("backbone.stages.1.align.gate.weight", [1, 4]),
            ("head.fc1.weight", [8, 4]), ("head.fc1.bias", [8]), ("head.fc2.weight", [2, 8]), ("head.fc2.bias", [2]),
        ]
        let names = net.namedParameters()
        #expect(names.map(\.name) == expected.map(\.0))
        #expect(names.map(\.tensor.shape) == expected.map(\.1))
        // 108 + 4 + 2·(144 + 8 + 20) + 4 + 1 + 40 + 18 = 519
        #expect(net.parameterCount == 108 + 4 + 144 + 8 + 20 + 144 + 8 + 20 + 4 + 1 + 40 + 18)
        #expect(net.parameterCount == 519)
        let counts = Dictionary(uniqueKeysWithValues: net.parameterCounts(depth: 2).map { ($0.name, $0.count) })
        #expect(counts == ["": 519, "backbone": 461, "backbone.stem": 112, "backbone.stages.0": 172,
                           "backbone.stages.1": 176, "head": 58, "head.fc1": 40, "head.fc2": 18, "drop": 0])
        #expect(net.namedBuffers().map(\.name) == [
            "backbone.stages.0.norm.running_mean", "backbone.stages.0.norm.running_var",
            "backbone.stages.0.norm.num_batches_tracked",
            "backbone.stages.1.norm.running_mean", "backbone.stages.1.norm.running_var",
            "backbone.stages.1.norm.num_batches_tracked",
        ])
    }

    @Test func trainEvalPropagatesToEveryDescendant() {
        var rng = RNG(seed: 2)
        let net = Net(rng: &rng)
        net.eval()
        #expect(net.namedModules().allSatisfy { !$0.module.isTraining })
        net.train()
        #expect(net.namedModules().allSatisfy { $0.module.isTraining })
        #expect(net.namedModules().count == 20)
    }

    @Test func freezingStopsGradientsAndCountsOnlyTrainable() throws {
        var rng = RNG(seed: 3)
        let net = Net(rng: &rng)
        net.backbone.freeze()
        #expect(net.trainableParameterCount == 58)
        #expect(net.trainableParameters().allSatisfy { $0.name.hasPrefix("head.") })
        let x = Tensor.randn([2, 4], rng: &rng)
        try net.head(x).sum().backward()
        #expect(net.head.fc1.weight.grad != nil)
        net.backbone.unfreeze()
        #expect(net.trainableParameterCount == 519)
    }

    @Test func sharedModulesAreListedOnce() {
        var rng = RNG(seed: 4)
        let shared = Linear(3, 3, rng: &rng)
        let seq = Sequential(shared, ActivationLayer(.relu), shared)
        #expect(seq.namedParameters().map(\.name) == ["0.weight", "0.bias"])
    }

    @Test func costScopesFollowParameterNames() {
        var rng = RNG(seed: 5)
        let mlp = Sequential(MLP(4, hidden: 8, rng: &rng))
        mlp.assignCostScopes()
        let counter = CostCounter()
        let x = Tensor.randn([3, 4], rng: &rng)
        Cost.counting(into: counter) { _ = mlp(x) }
        #expect(counter.macs == ["0.fc1": 3 * 4 * 8, "0.fc2": 3 * 8 * 4])
        #expect(counter.macs(under: "0") == 192)
    }
}

private final class Renamed: Module {
    @Param var table: Tensor
    let layers: [any UnaryLayer]
    let byName: [String: Linear]
    init(rng: inout RNG) {
        _table = Param(wrappedValue: Init.zeros([3, 2]), key: "relative_position_bias_table")
        layers = [LayerNorm(2), ActivationLayer(.relu), Linear(2, 2, bias: false, rng: &rng)]
        byName = ["value": Linear(2, 1, bias: false, rng: &rng), "key": Linear(2, 3, bias: false, rng: &rng)]
        super.init()
    }
}

struct ModuleReflectionTests {
    @Test func renamedParametersExistentialArraysAndDictionaries() {
        var rng = RNG(seed: 6)
        let m = Renamed(rng: &rng)
        #expect(m.namedParameters().map(\.name) == [
            "relative_position_bias_table", "layers.0.weight", "layers.0.bias", "layers.2.weight",
            "byName.key.weight", "byName.value.weight",
        ])
        #expect(m.parameterCount == 6 + 4 + 4 + 6 + 2)
    }
}
