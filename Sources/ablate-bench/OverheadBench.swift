import Foundation
import TensorEngine

/// `ablate-bench overhead`: what one op costs beyond its arithmetic — microseconds per call on tiny tensors,
/// with and without the autograd graph, for the op kinds a training step makes hundreds of.
enum OverheadBench {
    static func run() {
        var rng = RNG(seed: 1)
        let a = Tensor.randn([16, 4, 4], rng: &rng, requiresGrad: true), b = Tensor.randn([16, 4, 4], rng: &rng, requiresGrad: true)
        let big = Tensor.randn([16, 64, 64], rng: &rng, requiresGrad: true)
        let deep = Tensor.randn([16, 256, 2, 2], rng: &rng, requiresGrad: true)
        let mean = Tensor.zeros([256]), variance = Tensor.ones([256])
        var report = Report(title: "Per-op cost on small tensors (µs per call)", header: ["op", "no grad", "recording graph", "fwd + bwd"])
        let cases: [(String, Tensor, () -> Tensor)] = [
            ("add [16,4,4]", a, { a + b }),
            ("reshape", a, { a.reshaped([16, 16]) }),
            ("permute [16,4,4]", a, { a.permuted([0, 2, 1]) }),
            ("permute [16,64,64]", big, { big.permuted([0, 2, 1]) }),
            ("softmax [16,4,4]", a, { softmax(a, axis: -1) }),
            ("gelu [16,4,4]", a, { gelu(a) }),
            ("layerNorm [16,4,4]", a, { layerNorm(a, weight: nil, bias: nil) }),
            ("instanceNorm [16,4,4]", a, { instanceNorm(a) }),
            ("instanceNorm [16,256,2,2]", deep, { instanceNorm(deep) }),
            ("batchNorm [16,256,2,2]", deep, { batchNorm(deep, runningMean: mean, runningVar: variance, weight: nil, bias: nil, training: true) }),
        ]
        for (name, x, body) in cases {
            let calls = 2000
            let noGrad = Timing.median(repeats: 5, warmup: 1) { withNoGrad { for _ in 0..<calls { _ = body() } } } / Double(calls)
            let graph = Timing.median(repeats: 5, warmup: 1) { for _ in 0..<calls { _ = body() } } / Double(calls)
            let both = Timing.median(repeats: 5, warmup: 1) {
                for _ in 0..<calls { try! body().sum().backward() }
                x.grad = nil
            } / Double(calls)
            report.add(name, fmt(noGrad * 1e6, 2), fmt(graph * 1e6, 2), fmt(both * 1e6, 2))
        }
        report.publish()
    }
}
