import CKernels

/// Shape arithmetic shared by the ops.
enum Shapes {
    /// NumPy/PyTorch broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 0, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// Row-major contiguous strides.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) { s[d] = acc; acc *= shape[d] }
        return s
    }

    /// Strides of `shape` viewed as the broadcast `target`: 0 on broadcast dimensions.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { d in
            d < offset ? 0 : (shape[d - offset] == 1 && target[d] != 1 ? 0 : own[d - offset])
        }
    }

    /// Merges adjacent dimensions that are contiguous in every operand, so the kernels' inner loops run
    /// as long as possible. Returns the collapsed shape and one stride list per operand.
    static func collapse(_ shape: [Int], _ strideLists: [[Int]]) -> ([Int], [[Int]]) {
        var dims: [Int] = []
        var lists = [[Int]](repeating: [], count: strideLists.count)
        for d in 0..<shape.count where shape[d] != 1 {
            // Row-major: an outer dimension folds into the next when its stride is the inner stride × extent.
            let mergeable = !dims.isEmpty && (0..<strideLists.count).allSatisfy {
                lists[$0].last! == strideLists[$0][d] * shape[d]
            }
            if mergeable {
                dims[dims.count - 1] *= shape[d]
                for k in 0..<lists.count { lists[k][lists[k].count - 1] = strideLists[k][d] }
            } else {
                dims.append(shape[d])
                for k in 0..<lists.count { lists[k].append(strideLists[k][d]) }
            }
        }
        if dims.isEmpty { return ([1], strideLists.map { _ in [0] }) }
        return (dims, lists)
    }
}

extension Tensor {
    /// Copies the strided walk `dims`/`strides` of `source` into contiguous `destination`, split over the cores.
    static func gather(_ dims: [Int], strides: [Int], from source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        let s64 = strides.map(Int64.init)
        Parallel.forOuterSlices(dims) { d, first, at in
            fia_gather_strided(Int32(d.count), d, source + Parallel.offset(first, strides), s64, destination + at)
        }
    }

    /// Sums a gradient of the broadcast shape back down to `shape` (the backward of broadcasting).
    func reduced(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let out = Tensor.zeros(target)
        let (dims, lists) = Shapes.collapse(shape, [Shapes.broadcastStrides(target, to: shape)])
        if dims.count == 2, lists[0] == [0, 1], dims[1] >= 32, Parallel.workers > 1, dims[0] * dims[1] >= 2 * Parallel.mapGrain {
            // Column sums (a linear layer's bias gradient, [rows, out] → [out]): blocks of columns on the
            // cores, each summing its columns over all rows in order — the same additions as the serial walk.
            let (rows, cols) = (dims[0], dims[1]), src = storage.pointer, dst = out.storage.pointer
            let blocks = Swift.min(Parallel.workers, cols / 16)
            Parallel.forBlocks(cols, blocks: blocks) { _, r in
                let lo = r.lowerBound / 16 * 16, hi = r.upperBound == cols ? cols : r.upperBound / 16 * 16
                fia_column_sums_accumulate(src + lo, Int64(rows), Int64(hi - lo), Int64(cols), dst + lo)
            }
            return out
        }
        let d64 = dims.map(Int64.init), s64 = lists[0].map(Int64.init)
        fia_accumulate_strided(Int32(dims.count), d64, storage.pointer, out.storage.pointer, s64)
        return out
    }

    /// A contiguous copy of this tensor broadcast to `target` (which must be a valid broadcast of it).
    func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let out = Tensor(shape: target, storage: Storage(uninitialized: target.reduce(1, *)))
        let (dims, lists) = Shapes.collapse(target, [Shapes.broadcastStrides(shape, to: target)])
        Tensor.gather(dims, strides: lists[0], from: storage.pointer, into: out.storage.pointer)
        return out
    }

    /// The first failed tensor among `inputs`, to pass its failure on.
    static func firstFailure(_ inputs: Tensor...) -> Tensor? { inputs.first { $0.failure != nil } }
}
