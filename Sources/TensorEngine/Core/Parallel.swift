import CKernels

/// Splits work over this machine's cores, on the engine's one thread pool (CKernels `workers.c`), which
/// also splits large GEMMs (OpenBLAS itself runs single-threaded). Kernels call it above a size where
/// threading pays; a call made inside another parallel region runs serially, so nesting is safe.
public enum Parallel {
    /// Worker count, the caller included: FIA_THREADS, else the cores this process may run on (the pool's
    /// own setting, so GEMM splitting and these helpers always agree).
    public static var workers: Int {
        get { Int(fia_workers()) }
        set { fia_workers_set(Int32(newValue)) }
    }

    /// Elements per chunk for memory-bound maps. With the pool's workers spinning between regions a region
    /// costs about a microsecond, so maps of 32K elements and up are split (at this model's sizes most
    /// activations are 32K–512K floats; a split point of 256K left most of them on one core).
    public static let mapGrain = 1 << 14

    /// Calls `body(range)` on disjoint chunks covering 0..<count, in parallel when `count` ≥ `grain`·2. There
    /// are up to four chunks per worker, claimed dynamically, so a worker that starts late (woken from sleep)
    /// or runs slow does not leave the others waiting at the end of the region.
    public static func forChunks(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let workers = workers
        if workers <= 1 { body(0..<count); return }
        let chunks = min(4 * workers, count / max(grain, 1))
        if chunks <= 1 { body(0..<count); return }
        forEach(chunks) { c in body((count * c / chunks)..<(count * (c + 1) / chunks)) }
    }

    /// Calls `body(i)` for every i in 0..<count on the pool (each call is one unit of work: a GEMM of
    /// a batch, an image's convolution).
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 || workers <= 1 { for i in 0..<count { body(i) }; return }
        withoutActuallyEscaping(body) { body in
            var box = body
            withUnsafeMutablePointer(to: &box) { pointer in
                fia_parallel_for(count, { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
                }, pointer)
            }
        }
    }
}


extension Parallel {
    /// Runs a strided kernel over `dims` (collapsed, row-major, with a contiguous output) split along its
    /// outermost dimension: `body(dims, first, outputOffset)` gets a slice's dims (leading extents shortened),
    /// the index of its first element along the leading dimensions (offset each input by Σ first[k]·stride[k])
    /// and its output offset. A short outer dimension (the 3 of a q/k/v split) is split together with the
    /// next one, so that the cores get even shares (3 slices on 2 cores ran at 2/3 of one core's speed).
    static func forOuterSlices(_ dims: [Int], _ body: ([Int64], [Int], Int) -> Void) {
        let full = dims.map(Int64.init)
        if dims.count >= 3, dims[0] < 4 * workers, workers > 1 {
            let inner = dims.dropFirst(2).reduce(1, *)
            forChunks(dims[0] * dims[1], grain: Swift.max(1, mapGrain / Swift.max(inner, 1))) { r in
                var j = r.lowerBound
                while j < r.upperBound {
                    let n = Swift.min(dims[1] - j % dims[1], r.upperBound - j)
                    var slice = full
                    slice[0] = 1
                    slice[1] = Int64(n)
                    body(slice, [j / dims[1], j % dims[1]], j * inner)
                    j += n
                }
            }
            return
        }
        let inner = dims.dropFirst().reduce(1, *)
        forChunks(dims.first ?? 0, grain: Swift.max(1, mapGrain / Swift.max(inner, 1))) { r in
            var slice = full
            slice[0] = Int64(r.count)
            body(slice, [r.lowerBound], r.lowerBound * inner)
        }
    }

    /// Σ first[k]·strides[k]: the offset of a slice's first element (see `forOuterSlices`).
    @inline(__always)
    static func offset(_ first: [Int], _ strides: [Int]) -> Int {
        var o = 0
        for k in first.indices { o += first[k] * strides[k] }
        return o
    }

    /// How many blocks `forBlocks` splits `count` items into (≥ 1): one per worker once each block would
    /// hold at least `grain` items.
    static func blockCount(_ count: Int, grain: Int) -> Int {
        Swift.max(1, Swift.min(workers, count / Swift.max(grain, 1)))
    }

    /// Calls `body(block, range)` for `blocks` disjoint ranges covering 0..<count, in parallel — for
    /// reductions that keep one partial result per block.
    static func forBlocks(_ count: Int, blocks: Int, _ body: (Int, Range<Int>) -> Void) {
        if blocks <= 1 { body(0, 0..<count); return }
        forEach(blocks) { b in body(b, (count * b / blocks)..<(count * (b + 1) / blocks)) }
    }
}

extension Parallel {
    /// y[i] += x[i] for i < count, split over the cores when large (elementwise, so the same bits either way):
    /// gradient accumulation into parameters and shared activations.
    static func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        forChunks(count, grain: mapGrain) { r in fia_add_inplace(y + r.lowerBound, x + r.lowerBound, r.count) }
    }

    /// y[i] = x[i] for i < count, split over the cores when large.
    static func copy(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        forChunks(count, grain: mapGrain) { r in fia_copy(x + r.lowerBound, y + r.lowerBound, r.count) }
    }
}
