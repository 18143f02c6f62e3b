import TensorEngine

/// Finite-difference gradient checking for engine ops and layers.
///
/// For `L = Σ R ⊙ f(x)` with a fixed random `R` (a plain sum would hide softmax and normalisation
/// gradients, which sum to zero), compares autograd's dL/dx with central differences
/// `(L(x + h·e_i) − L(x − h·e_i)) / 2h`, accumulated in Double, for every element of every input.
public enum GradCheck {
    /// The worst disagreement found.
    public struct Result: CustomStringConvertible {
        /// max over elements of |analytic − numeric| / max(1, |analytic|, |numeric|).
        public var maxError: Double
        /// Where it happened: input index, element index, analytic, numeric.
        public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)
        public var description: String {
            "max relative error \(maxError) at input \(worst.input)[\(worst.element)]: autograd \(worst.analytic), finite difference \(worst.numeric)"
        }
    }

    /// Runs the check. `inputs` become trainable leaves (their values are restored afterwards).
    /// - Parameters:
    ///   - h: the finite-difference step (float32 needs a large one; keep inputs away from kinks by more than h).
    ///   - only: indices of the inputs to check (default all).
    public static func run(_ inputs: [Tensor], h: Float = 1e-2, seed: UInt64 = 1234, only: [Int]? = nil,
                           _ f: ([Tensor]) -> Tensor) throws -> Result {
        for x in inputs { x.requiringGrad(true); x.zeroGrad() }
        let y = try f(inputs).validated()
        var rng = RNG(seed: seed)
        let r = Tensor.randn(y.shape, rng: &rng)
        try (y * r).sum().backward()
        let rValues = r.scalars

        func loss() -> Double {
            let out = withNoGrad { f(inputs) }
            let p = out.storage.pointer
            var total = 0.0
            for i in 0..<out.count { total += Double(p[i]) * Double(rValues[i]) }
            return total
        }

        var result = Result(maxError: 0, worst: (0, 0, 0, 0))
        for (k, x) in inputs.enumerated() where only?.contains(k) ?? true {
            let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
            let p = x.storage.pointer
            for i in 0..<x.count {
                let saved = p[i]
                p[i] = saved + h
                let plus = loss()
                p[i] = saved - h
                let minus = loss()
                p[i] = saved
                // The actual step in float32 may differ from 2h; divide by it.
                let step = Double(saved + h) - Double(saved - h)
                let numeric = (plus - minus) / step
                let a = Double(analytic[i])
                let err = Swift.abs(a - numeric) / Swift.max(1, Swift.abs(a), Swift.abs(numeric))
                if err >= result.maxError { result = Result(maxError: err, worst: (k, i, a, numeric)) }
            }
        }
        return result
    }
}

/// Small helpers for building test inputs.
public enum Fixtures {
    /// A normal random tensor with a fixed seed.
    public static func randn(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
        var rng = RNG(seed: seed)
        return Tensor.randn(shape, std: std, rng: &rng)
    }

    /// Random values whose magnitude is at least `margin` (away from kinks at 0 such as ReLU's).
    public static func awayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.1) -> Tensor {
        var rng = RNG(seed: seed)
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in
            let v = rng.uniform(margin, 2)
            return rng.uniform() < 0.5 ? -v : v
        })
    }

    /// Positive values in [low, high).
    public static func positive(_ shape: [Int], seed: UInt64, low: Float = 0.5, high: Float = 2) -> Tensor {
        var rng = RNG(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, rng: &rng)
    }

    /// Whether two float arrays agree elementwise within `tolerance` (absolute + relative).
    public static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(x), Swift.abs(y)) || (x.isNaN && y.isNaN)
        }
    }
}
