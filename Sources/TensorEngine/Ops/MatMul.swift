import CKernels

/// One row-major `C = op(A)·op(B) (+ C when accumulate)` through OpenBLAS (loaded by `fia_sgemm`), where op transposes when asked.
/// A is [M,K] (or [K,M] transposed), B is [K,N] (or [N,K]).
@inline(__always)
func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
           _ c: UnsafeMutablePointer<Float>, accumulate: Bool = false, alpha: Float = 1) {
    if m == 0 || n == 0 { return }
    if k == 0 { if !accumulate { c.update(repeating: 0, count: m * n) }; return }
    fia_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b,
              Int32(transB ? k : n), accumulate ? 1 : 0, c, Int32(n))
}

/// Runs `body(i)` for `count` independent GEMMs of `macs` multiply-adds each: spread over the pool when each
/// is too small for `fia_sgemm` to split (attention's per-window products, SILA's per-image products), in
/// order otherwise.
@inline(__always)
func forEachProduct(_ count: Int, macs: Int, _ body: (Int) -> Void) {
    if count >= 2 && macs < 2 * Int(FIA_GEMM_SPLIT_MACS) { Parallel.forEach(count, body) } else { for i in 0..<count { body(i) } }
}

/// Matrix product of the last two dimensions, batched over the leading ones.
///
/// `a` is `[..., M, K]`, `b` is `[..., K, N]` (or `[K, N]`, shared by every batch), giving `[..., M, N]`.
/// Leading dimensions must match exactly (or `b` be 2-D). MACs: batch·M·K·N.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    if let bad = Tensor.firstFailure(a, b) { return bad }
    guard a.rank >= 2, b.rank >= 2 else {
        return Tensor(failure: .shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape, detail: "both operands need at least 2 dimensions"))
    }
    let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
    let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
    let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
    let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    guard k == kb, batchB.isEmpty || batchA == batchB else {
        return Tensor(failure: .shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape,
                      detail: k != kb ? "inner dimensions \(k) and \(kb) differ" : "batch dimensions must match or the right operand be 2-D"))
    }
    let batch = batchA.reduce(1, *)
    let shared = batchB.isEmpty
    let y = Tensor(shape: batchA + [m, n], storage: Storage(uninitialized: batch * m * n))
    let ap = a.storage.pointer, bp = b.storage.pointer, yp = y.storage.pointer
    if shared && !transposeA {
        // Every batch shares B: one tall GEMM [batch·M, K] × [K, N].
        sgemm(transA: false, transB: transposeB, m: batch * m, n: n, k: k, ap, bp, yp)
    } else {
        forEachProduct(batch, macs: m * n * k) { i in
            sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, ap + i * m * k, bp + (shared ? 0 : i * k * n),
                  yp + i * m * n)
        }
    }
    Cost.add(macs: batch * m * n * k)
    let op = OpProfile.name("matmul", "\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    return y.recordingGradient(of: a, b, op: op) { gy in
        let gp = gy.storage.pointer
        var ga: Tensor?, gb: Tensor?
        if shared && !transposeA {
            // B is shared and A's batches stack into one [batch·M, K] matrix: one GEMM each way.
            if a.requiresGrad {
                let g = Tensor(shape: a.shape, storage: Storage(uninitialized: a.count))
                sgemm(transA: false, transB: !transposeB, m: batch * m, n: k, k: n, gp, bp, g.storage.pointer)
                ga = g
            }
            if b.requiresGrad {
                let g = Tensor(shape: b.shape, storage: Storage(uninitialized: b.count))
                if transposeB { sgemm(transA: true, transB: false, m: n, n: k, k: batch * m, gp, ap, g.storage.pointer) }
                else { sgemm(transA: true, transB: false, m: k, n: n, k: batch * m, ap, gp, g.storage.pointer) }
                gb = g
            }
            return [ga, gb]
        }
        if a.requiresGrad {
            // dA = dY·Bᵀ (or its transpose when A was used transposed)
            let g = Tensor(shape: a.shape, storage: Storage(uninitialized: a.count))
            forEachProduct(batch, macs: m * n * k) { i in
                let bi = bp + (shared ? 0 : i * k * n), gi = gp + i * m * n, out = g.storage.pointer + i * m * k
                if transposeA { sgemm(transA: transposeB, transB: true, m: k, n: m, k: n, bi, gi, out) }
                else { sgemm(transA: false, transB: !transposeB, m: m, n: k, k: n, gi, bi, out) }
            }
            ga = g
        }
        if b.requiresGrad {
            // dB = Aᵀ·dY, summed over batches when B is shared (those products accumulate into one matrix,
            // so they run in order)
            let g = shared ? Tensor.zeros(b.shape) : Tensor(shape: b.shape, storage: Storage(uninitialized: b.count))
            let product = { (i: Int) in
                let ai = ap + i * m * k, gi = gp + i * m * n, out = g.storage.pointer + (shared ? 0 : i * k * n)
                if transposeB { sgemm(transA: true, transB: transposeA, m: n, n: k, k: m, gi, ai, out, accumulate: shared) }
                else { sgemm(transA: !transposeA, transB: false, m: k, n: n, k: m, ai, gi, out, accumulate: shared) }
            }
            if shared { for i in 0..<batch { product(i) } } else { forEachProduct(batch, macs: m * n * k, product) }
            gb = g
        }
        return [ga, gb]
    }
}

/// A fully connected layer's product, `x·Wᵀ + b`, with the bias fused into the GEMM: the output rows start as
/// copies of b and the GEMM accumulates onto them, instead of a GEMM and then a broadcast add that makes another
/// pass over the output (and records another graph node).
///
/// - Parameters: x `[rows, in]`; weight `[out, in]`; bias `[out]` or nil.
/// - Returns: `[rows, out]`. MACs: rows·out·in; the bias adds count one FLOP per output element, as `+` does.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    guard let bias else { return matmul(x, weight, transposeB: true) }
    if let bad = Tensor.firstFailure(x, weight, bias) { return bad }
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1], bias.shape == [weight.shape[0]] else {
        return Tensor(failure: .shapeMismatch(op: "linear", lhs: x.shape, rhs: weight.shape,
                                              detail: "expects x [rows, in], weight [out, in] and bias [out] (bias \(bias.shape))"))
    }
    let rows = x.shape[0], inFeatures = x.shape[1], out = weight.shape[0]
    let y = Tensor(shape: [rows, out], storage: Storage(uninitialized: rows * out))
    let xp = x.storage.pointer, wp = weight.storage.pointer, bp = bias.storage.pointer, yp = y.storage.pointer
    Parallel.forChunks(rows, grain: Swift.max(1, Parallel.mapGrain / Swift.max(out, 1))) { r in
        for row in r { (yp + row * out).update(from: bp, count: out) }
    }
    sgemm(transA: false, transB: true, m: rows, n: out, k: inFeatures, xp, wp, yp, accumulate: true)
    Cost.add(macs: rows * out * inFeatures)
    Cost.add(flops: rows * out)
    let op = OpProfile.name("linear", "\(x.shape) · \(weight.shape)ᵀ + b")
    return y.recordingGradient(of: x, weight, bias, op: op) { gy in
        let gp = gy.storage.pointer
        var gx: Tensor?, gw: Tensor?
        if x.requiresGrad {   // dX = dY·W
            let g = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
            sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: out, gp, wp, g.storage.pointer)
            gx = g
        }
        if weight.requiresGrad {   // dW = dYᵀ·X
            let g = Tensor(shape: weight.shape, storage: Storage(uninitialized: weight.count))
            sgemm(transA: true, transB: false, m: out, n: inFeatures, k: rows, gp, xp, g.storage.pointer)
            gw = g
        }
        return [gx, gw, bias.requiresGrad ? gy.reduced(toShape: [out]) : nil]   // db = column sums of dY
    }
}
