import CKernels

// Normalisation layers. Layer norm is one fused C kernel per direction. Group, instance and batch norm
// view x `[N, C, *]` as N·C contiguous rows of length S (the spatial size) and differ only in which rows
// share statistics (`StatisticOfRow`): a group of C/G channels of one sample, one (sample, channel), or one
// channel across the batch. The per-row kernels do the memory-bound passes, and the per-statistic bookkeeping
// over the N·C rows is C too (`fia_norm_statistics`, `fia_norm_backward_coefficients`): on 2×2 maps there are
// thousands of rows of four elements.

/// Rows per parallel chunk so that each chunk holds about `Parallel.mapGrain` elements.
private func rowGrain(_ rowLength: Int) -> Int { Swift.max(1, Parallel.mapGrain / Swift.max(rowLength, 1)) }

/// Layer normalisation over the last dimension (PyTorch `F.layer_norm(x, [D], weight, bias, eps)`):
/// `y = (x − mean) / √(var + eps) · weight + bias`, with the biased variance of each row.
///
/// - Parameters: x `[..., D]`; weight and bias `[D]` (nil for none).
/// - Returns: `[..., D]`. FLOPs: about 8 per element.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    let op = "layerNorm"
    if let bad = [x, weight, bias].compactMap({ $0 }).first(where: { $0.failure != nil }) { return bad }
    guard x.rank >= 1 else {
        return Tensor(failure: .invalidArgument(op: op, detail: "needs at least one dimension to normalise, got a scalar"))
    }
    let d = x.shape[x.rank - 1], rows = d == 0 ? 0 : x.count / d
    for (name, p) in [("weight", weight), ("bias", bias)] {
        if let p, p.shape != [d] {
            return Tensor(failure: .shapeMismatch(op: op, lhs: x.shape, rhs: p.shape,
                                                  detail: "\(name) must be [\(d)], the last dimension of the input"))
        }
    }
    let mean = Storage(uninitialized: rows), rstd = Storage(uninitialized: rows)
    let y = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
    let xp = x.storage.pointer, yp = y.storage.pointer
    let wp = weight.map { UnsafePointer($0.storage.pointer) }, bp = bias.map { UnsafePointer($0.storage.pointer) }
    Parallel.forChunks(rows, grain: rowGrain(d)) { r in
        fia_layer_norm(xp + r.lowerBound * d, wp, bp, yp + r.lowerBound * d, mean.pointer + r.lowerBound,
                       rstd.pointer + r.lowerBound, Int64(r.count), Int64(d), eps)
    }
    Cost.add(flops: 8 * x.count)

    let inputs = [x] + [weight, bias].compactMap { $0 }
    return y.recordingGradient(ofInputs: inputs, op: op) { gy in
        let gx = x.requiresGrad ? Tensor(shape: x.shape, storage: Storage(uninitialized: x.count)) : nil
        let wantW = weight?.requiresGrad ?? false, wantB = bias?.requiresGrad ?? false
        let gp = gy.storage.pointer
        // Weight and bias gradients sum over rows: each parallel block sums into its own slice of
        // `partials`, and the slices are added at the end.
        let blocks = Parallel.blockCount(rows, grain: rowGrain(d))
        let partials = Storage(zeros: (wantW || wantB) ? blocks * 2 * d : 0)
        Parallel.forBlocks(rows, blocks: blocks) { block, r in
            let gw = wantW ? partials.pointer + block * 2 * d : nil
            let gb = wantB ? partials.pointer + block * 2 * d + d : nil
            fia_layer_norm_backward(xp + r.lowerBound * d, wp, mean.pointer + r.lowerBound, rstd.pointer + r.lowerBound,
                                    gp + r.lowerBound * d, gx.map { $0.storage.pointer + r.lowerBound * d }, gw, gb,
                                    Int64(r.count), Int64(d))
        }
        var grads: [Tensor?] = [gx]
        for (wanted, offset, p) in [(wantW, 0, weight), (wantB, d, bias)] where p != nil {
            grads.append(wanted ? Tensor(shape: [d]) { out in
                fia_copy(partials.pointer + offset, out, d)
                for b in 1..<Swift.max(blocks, 1) { fia_add_inplace(out, partials.pointer + b * 2 * d + offset, d) }
            } : nil)
        }
        return grads
    }
}

/// Group normalisation (PyTorch `F.group_norm`): the C channels are split into `groups` consecutive groups
/// and each (sample, group) is normalised over its channels and spatial positions (biased variance), then
/// scaled and shifted per channel.
///
/// - Parameters: x `[N, C, *]`; `groups` divides C; weight and bias `[C]` (nil for none).
/// - Returns: `[N, C, *]`.
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    if let bad = [x, weight, bias].compactMap({ $0 }).first(where: { $0.failure != nil }) { return bad }
    guard x.rank >= 2 else {
        return Tensor(failure: .invalidArgument(op: "groupNorm", detail: "expects [N, C, *], got shape \(x.shape)"))
    }
    let c = x.shape[1]
    guard groups > 0, c % groups == 0 else {
        return Tensor(failure: .invalidArgument(op: "groupNorm", detail: "\(groups) groups do not divide the \(c) channels of \(x.shape)"))
    }
    var stats = RowStatistics.groupNorm(x, groups: groups)
    return stats.normalise(x, weight: weight, bias: bias, eps: eps)
}

/// Instance normalisation without affine parameters (PyTorch `InstanceNorm1d/2d` defaults): each
/// (sample, channel) is normalised over the remaining dimensions, biased variance. Equals
/// `groupNorm(x, groups: C, weight: nil, bias: nil)`.
///
/// - Parameters: x `[N, C, *]` with more than one element per (sample, channel), as PyTorch requires.
/// - Returns: `[N, C, *]`.
public func instanceNorm(_ x: Tensor, eps: Float = 1e-5) -> Tensor {
    if x.failure != nil { return x }
    guard x.rank >= 2 else {
        return Tensor(failure: .invalidArgument(op: "instanceNorm", detail: "expects [N, C, *], got shape \(x.shape)"))
    }
    let spatial = x.shape[2...].reduce(1, *)
    guard spatial != 1 else {
        return Tensor(failure: .invalidArgument(op: "instanceNorm", detail: "expected more than 1 spatial element per channel, got shape \(x.shape)"))
    }
    var stats = RowStatistics.groupNorm(x, groups: x.shape[1])
    return stats.normalise(x, weight: nil, bias: nil, eps: eps)
}

/// Batch normalisation (PyTorch `F.batch_norm`), per channel of x `[N, C, *]`.
///
/// In training the batch statistics normalise (biased variance over N and the spatial positions) and the
/// running statistics are updated in place: `running = (1 − momentum)·running + momentum·batch`, with the
/// *unbiased* variance, as PyTorch does. In evaluation the running statistics normalise and are left alone.
/// The running statistics are plain `[C]` tensors and never receive gradients.
///
/// - Parameters: x `[N, C, *]`; runningMean, runningVar, weight and bias `[C]` (weight/bias nil for none).
/// - Returns: `[N, C, *]`.
public func batchNorm(_ x: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor?, bias: Tensor?,
                      training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    let op = "batchNorm"
    if let bad = [x, runningMean, runningVar, weight, bias].compactMap({ $0 }).first(where: { $0.failure != nil }) { return bad }
    guard x.rank >= 2 else {
        return Tensor(failure: .invalidArgument(op: op, detail: "expects [N, C, *], got shape \(x.shape)"))
    }
    let c = x.shape[1]
    for (name, p) in [("runningMean", runningMean), ("runningVar", runningVar)] where p.shape != [c] {
        return Tensor(failure: .shapeMismatch(op: op, lhs: x.shape, rhs: p.shape, detail: "\(name) must be [\(c)], one per channel"))
    }
    let perChannel = x.count / Swift.max(c, 1)
    if training && perChannel <= 1 && x.count > 0 {
        return Tensor(failure: .invalidArgument(op: op, detail: "expected more than 1 value per channel when training, got input shape \(x.shape)"))
    }
    var stats = RowStatistics.batchNorm(x)
    if !training {
        // Normalise with the running statistics: constants, so the input gradient is a plain scale.
        stats.fixed = (runningMean.scalars, runningVar.scalars)
    }
    let y = stats.normalise(x, weight: weight, bias: bias, eps: eps)
    if training, y.failure == nil, let (mean, m2) = stats.lastMoments {
        let rm = runningMean.storage.pointer, rv = runningVar.storage.pointer
        let bessel = Double(perChannel) / Double(perChannel - 1)
        for k in 0..<c {
            rm[k] = (1 - momentum) * rm[k] + momentum * Float(mean[k])
            rv[k] = (1 - momentum) * rv[k] + momentum * Float(m2[k] / Double(perChannel) * bessel)
        }
    }
    return y
}

/// Which rows of the `[N·C, S]` view of x `[N, C, *]` share normalisation statistics, and the shared
/// forward/backward for group, instance and batch norm.
///
/// Group (and instance) norm statistics cover consecutive rows, so the work runs in tiles of whole groups
/// of about 128 KB: a tile's statistics pass and its normalising pass run back to back while the tile is
/// still in L2, so x is read from memory once; tiles run in parallel. Batch norm statistics span the whole
/// batch: one tile, with each pass split over the rows instead.
struct RowStatistics {
    let n: Int, c: Int, s: Int
    /// Number of statistics (groups); row r = (sample, channel) uses statistic `StatisticOfRow(…)(r)`.
    let statCount: Int
    /// Group norm: statistic k covers rows k·rowsPerStat ..< (k + 1)·rowsPerStat. Nil for batch norm.
    let rowsPerStat: Int?
    let op: String
    /// Batch norm in evaluation: (mean, variance) per statistic, used instead of the batch's.
    var fixed: ([Float], [Float])?
    /// Mean and M2 (sum of squared deviations) per statistic from the last `normalise`, in Double (batch norm only).
    private(set) var lastMoments: ([Double], [Double])?

    /// Group norm (and instance norm, groups = C): statistic = sample·G + channel / (C/G).
    static func groupNorm(_ x: Tensor, groups: Int) -> RowStatistics {
        let c = x.shape[1], perGroup = c / groups
        return RowStatistics(n: x.shape[0], c: c, s: x.shape[2...].reduce(1, *), statCount: x.shape[0] * groups,
                             rowsPerStat: perGroup,
                             op: groups == c ? "instanceNorm" : "groupNorm")
    }

    /// Batch norm: statistic = channel.
    static func batchNorm(_ x: Tensor) -> RowStatistics {
        let c = x.shape[1]
        return RowStatistics(n: x.shape[0], c: c, s: x.shape[2...].reduce(1, *), statCount: c, rowsPerStat: nil, op: "batchNorm")
    }

    var rows: Int { n * c }

    /// Calls `body(rows, split)` for tiles of rows holding whole statistics; `split` says whether the body
    /// should split its passes over the cores itself (the single batch-norm tile) or not (tiles already
    /// run in parallel).
    private func forEachTile(_ body: (Range<Int>, Bool) -> Void) {
        guard let rps = rowsPerStat, rps > 0, rows > 0 else { body(0..<rows, true); return }
        // A tile holds whole statistics and at most 32K elements, and at most 1/workers of the rows, so that
        // small maps (2×2 planes: thousands of rows of 4) still spread over the cores.
        let statsPerTile = Swift.max(1, Swift.min((1 << 15) / Swift.max(rps * s, 1), (statCount + Parallel.workers - 1) / Parallel.workers))
        let tiles = (statCount + statsPerTile - 1) / statsPerTile
        // Tiles per chunk so that a chunk holds about `Parallel.mapGrain` units of work; each row also costs
        // its statistics bookkeeping (counted as 32 elements).
        let work = rows * (s + 32)
        let grain = Swift.max(1, tiles * Parallel.mapGrain / Swift.max(work, 1))
        Parallel.forChunks(tiles, grain: grain) { range in
            for t in range {
                let lo = t * statsPerTile * rps, hi = Swift.min(rows, (t + 1) * statsPerTile * rps)
                body(lo..<hi, false)
            }
        }
    }

    /// Runs a row kernel over `range`, split over the cores when asked and large enough.
    private func rowKernel(_ range: Range<Int>, split: Bool, _ kernel: (Int, Int) -> Void) {
        if split {
            Parallel.forChunks(range.count, grain: rowGrain(s)) { r in kernel(range.lowerBound + r.lowerBound, r.count) }
        } else {
            kernel(range.lowerBound, range.count)
        }
    }

    mutating func normalise(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p, p.shape != [c] {
                return Tensor(failure: .shapeMismatch(op: op, lhs: x.shape, rhs: p.shape, detail: "\(name) must be [\(c)], one per channel"))
            }
        }
        let (rows, s, c, statCount) = (self.rows, self.s, self.c, self.statCount)
        let group = StatisticOfRow(rowsPerStat: rowsPerStat ?? 0, channels: c)
        let xp = x.storage.pointer, s64 = Int64(s)
        let w = weight.map { UnsafePointer($0.storage.pointer) }, b = bias.map { UnsafePointer($0.storage.pointer) }
        let mean = Storage(uninitialized: statCount), rstd = Storage(uninitialized: statCount)
        let a = Storage(uninitialized: rows), shift = Storage(uninitialized: rows)
        let y = Tensor(shape: x.shape, storage: Storage(uninitialized: x.count))
        let yp = y.storage.pointer
        let fixed = self.fixed
        if let (fm, fv) = fixed {
            for k in 0..<statCount { mean.pointer[k] = fm[k]; rstd.pointer[k] = 1 / (fv[k] + eps).squareRoot() }
        }
        let rowMean = Storage(uninitialized: rows), rowM2 = Storage(uninitialized: rows)
        let sums = DoubleScratch(3 * statCount)           // Σx, count, M2 per statistic
        let rps = rowsPerStat
        forEachTile { tile, split in
            if tile.isEmpty { return }
            if fixed == nil {
                // Statistics: per-row moments (C kernel), merged with Chan et al.'s pairwise formula
                // M2 = Σ M2_r + Σ S·(mean_r − mean)², which stays exact where E[x²] − E[x]² would cancel; then
                // y = a_r·x + c_r with a_r = rstd·w[channel], c_r = b[channel] − mean·a_r.
                rowKernel(tile, split: split) { o, k in fia_row_moments(xp + o * s, Int64(k), s64, rowMean.pointer + o, rowM2.pointer + o) }
                fia_norm_statistics(rowMean.pointer, rowM2.pointer, Int64(tile.lowerBound), Int64(tile.upperBound), Int64(rps ?? 0),
                                    Int64(c), s64, eps, w, b, sums.pointer, sums.pointer + statCount, sums.pointer + 2 * statCount,
                                    mean.pointer, rstd.pointer, a.pointer, shift.pointer)
            } else {
                group.forEachRow(tile) { r, k, ch in
                    a.pointer[r] = rstd.pointer[k] * (w?[ch] ?? 1)
                    shift.pointer[r] = (b?[ch] ?? 0) - mean.pointer[k] * a.pointer[r]
                }
            }
            rowKernel(tile, split: split) { o, k in
                fia_row_affine(xp + o * s, a.pointer + o, shift.pointer + o, yp + o * s, Int64(k), s64)
            }
        }
        if fixed == nil && rps == nil {   // batch norm's running statistics read them
            let sum = sums.pointer, count = sums.pointer + statCount, m2 = sums.pointer + 2 * statCount
            lastMoments = ((0..<statCount).map { sum[$0] / count[$0] }, (0..<statCount).map { m2[$0] })
        }
        Cost.add(flops: (fixed == nil ? 6 : 2) * x.count)

        let statsAreConstant = fixed != nil
        let tiles = forEachTile
        let kernel = rowKernel
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return y.recordingGradient(ofInputs: inputs, op: op) { gy in
            let gp = gy.storage.pointer
            let center = Storage(uninitialized: rows), sumG = Storage(uninitialized: rows), sumGX = Storage(uninitialized: rows)
            let g = x.requiresGrad ? Tensor(shape: x.shape, storage: Storage(uninitialized: x.count)) : nil
            let acc = DoubleScratch(2 * statCount)
            let alpha = Storage(uninitialized: rows), beta = Storage(zeros: rows), gamma = Storage(zeros: rows)
            tiles { tile, split in
                if tile.isEmpty { return }
                // Per-row Σ gy and Σ gy·(x − mean); with x̂ = (x − mean)·rstd and g = gy·w:
                // gx = rstd·(g − mean(g) − x̂·mean(g·x̂)) over each group, i.e. gx = α·gy + β·x + γ per row.
                // Fixed statistics leave only α.
                group.forEachRow(tile) { r, k, _ in center.pointer[r] = mean.pointer[k] }
                kernel(tile, split) { o, k in
                    fia_row_grad_sums(xp + o * s, gp + o * s, center.pointer + o, Int64(k), s64, sumG.pointer + o, sumGX.pointer + o)
                }
                guard let out = g?.storage.pointer else { return }
                fia_norm_backward_coefficients(sumG.pointer, sumGX.pointer, Int64(tile.lowerBound), Int64(tile.upperBound),
                                               Int64(rps ?? 0), Int64(c), Double(rows / statCount * s), statsAreConstant ? 1 : 0, w,
                                               mean.pointer, rstd.pointer, acc.pointer, acc.pointer + statCount, alpha.pointer,
                                               beta.pointer, gamma.pointer)
                kernel(tile, split) { o, k in
                    fia_row_affine2(gp + o * s, xp + o * s, alpha.pointer + o, beta.pointer + o, gamma.pointer + o,
                                    out + o * s, Int64(k), s64)
                }
            }
            var grads: [Tensor?] = [g]
            if let weight {   // dL/dw[ch] = Σ gy·x̂ over that channel's rows
                grads.append(weight.requiresGrad ? Tensor(shape: [c]) { out in
                    for ch in 0..<c { out[ch] = 0 }
                    group.forEachRow(0..<rows) { r, k, ch in out[ch] += sumGX.pointer[r] * rstd.pointer[k] }
                } : nil)
            }
            if let bias {     // dL/db[ch] = Σ gy over that channel's rows
                grads.append(bias.requiresGrad ? Tensor(shape: [c]) { out in
                    for ch in 0..<c { out[ch] = 0 }
                    group.forEachRow(0..<rows) { r, _, ch in out[ch] += sumG.pointer[r] }
                } : nil)
            }
            return grads
        }
    }
}

/// Row r's statistic: r / rowsPerStat (group and instance norm) or r mod C (batch norm, rowsPerStat 0) — the
/// mapping `fia_norm_statistics` uses, for the few per-row loops left in Swift.
struct StatisticOfRow {
    let rowsPerStat: Int, channels: Int
    @inline(__always) func callAsFunction(_ r: Int) -> Int { rowsPerStat > 0 ? r / rowsPerStat : r % channels }

    /// Calls `body(row, statistic, channel)` for the rows of `range` in order, stepping the statistic and
    /// channel along instead of dividing per row (as the C bookkeeping does).
    @inline(__always) func forEachRow(_ range: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard let first = range.first else { return }
        var k = self(first), ch = first % channels, within = rowsPerStat > 0 ? first % rowsPerStat : 0
        for r in range {
            body(r, k, ch)
            ch += 1
            if ch == channels { ch = 0 }
            if rowsPerStat > 0 {
                within += 1
                if within == rowsPerStat { within = 0; k += 1 }
            } else {
                k = ch
            }
        }
    }
}

/// Zeroed Double scratch for per-statistic sums, written through a pointer by concurrent tiles (each
/// touching its own statistics).
private final class DoubleScratch {
    let pointer: UnsafeMutablePointer<Double>
    init(_ count: Int) {
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: 0, count: Swift.max(count, 1))
    }
    deinit { pointer.deallocate() }
}
