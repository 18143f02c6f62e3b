import CKernels
import Dispatch
import Testing
@testable import TensorEngine
import TestSupport

/// The engine's thread pool (CKernels workers.c) and what runs on it: GEMM splitting, strided maps, softmax.
struct ParallelPoolTests {
    /// Counts how often each chunk ran, and whether it ran inside a region.
    final class Tally: @unchecked Sendable {
        var runs: [Int32]
        /// Chunks that ran outside a region (a pointer the C callback can write through).
        let outside = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        var outsideRegion: Int32 { outside.pointee }
        init(_ n: Int) { runs = [Int32](repeating: 0, count: n); outside.initialize(to: 0) }
        deinit { outside.deallocate() }
    }

    @Test func everyChunkRunsExactlyOnceAndInsideTheRegion() {
        let tally = Tally(10_000)
        tally.runs.withUnsafeMutableBufferPointer { runs in
            var context = (runs.baseAddress!, tally.outside)
            fia_parallel_for(runs.count, { ctx, chunk in
                let (runs, outside) = ctx!.assumingMemoryBound(to: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>).self).pointee
                runs[chunk] += 1
                if fia_in_parallel_region() == 0 { outside.pointee += 1 }
            }, &context)
        }
        #expect(tally.runs.allSatisfy { $0 == 1 })
        #expect(tally.outsideRegion == 0)
        #expect(fia_in_parallel_region() == 0)
    }

    @Test func concurrentAndNestedCallersEachGetEveryChunkOnce() {
        // Four threads issue regions at once, each chunk opening a nested region: whoever finds the pool busy
        // runs serially, and no chunk of one caller is ever run for another.
        let callers = 4, regions = 200, outer = 7, inner = 5
        let totals = (0..<callers).map { _ in Tally(outer * inner) }
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<regions {
                Parallel.forEach(outer) { o in
                    Parallel.forEach(inner) { i in
                        totals[caller].runs[o * inner + i] += 1   // distinct slot per (o, i): no race
                    }
                }
            }
        }
        for tally in totals { #expect(tally.runs.allSatisfy { $0 == Int32(regions) }) }
    }

    /// `fia_sgemm` inside a parallel region (its blocks run one after another on this thread), as a
    /// context for `body`.
    static func insideRegion(_ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
        let box = Box(body)
        withExtendedLifetime(box) {
            // Two chunks make a region; only chunk 0 does the work, so the work runs inside the region.
            fia_parallel_for(2, { ctx, chunk in
                if chunk == 0 { Unmanaged<Box>.fromOpaque(ctx!).takeUnretainedValue().body() }
            }, Unmanaged.passUnretained(box).toOpaque())
        }
    }

    @Test(arguments: [(false, false, 4096, 96, 32), (true, false, 4096, 32, 96), (false, true, 1000, 70, 288),
                      (true, true, 333, 900, 40), (false, false, 32, 4096, 64), (true, false, 32, 96, 4096)])
    func splitGemmIsTheSameInsideARegionAndCloseToOneCall(_ shape: (Bool, Bool, Int, Int, Int)) {
        // Row or column blocks of C, on the pool or (nested in a region) one after another: the same bits either
        // way. Against one single-threaded OpenBLAS call they agree to rounding: bit for bit with OpenBLAS's
        // SkylakeX kernels, to the last bits with its Haswell kernels on AMD Zen 3 (ragged sizes included).
        let (ta, tb, m, n, k) = shape
        let a = Fixtures.randn(ta ? [k, m] : [m, k], seed: 1), b = Fixtures.randn(tb ? [n, k] : [k, n], seed: 2)
        let c0 = Fixtures.randn([m, n], seed: 3)
        let split = Tensor(shape: [m, n], data: c0.scalars), nested = Tensor(shape: [m, n], data: c0.scalars)
        let reference = Tensor(shape: [m, n], data: c0.scalars)
        let lda = Int32(ta ? m : k), ldb = Int32(tb ? k : n)
        fia_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 0.5, a.storage.pointer, lda, b.storage.pointer, ldb,
                  0.25, split.storage.pointer, Int32(n))
        Self.insideRegion {
            fia_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 0.5, a.storage.pointer, lda, b.storage.pointer, ldb,
                      0.25, nested.storage.pointer, Int32(n))
        }
        fia_sgemm_openblas(1, ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 0.5, a.storage.pointer, lda, b.storage.pointer,
                           ldb, 0.25, reference.storage.pointer, Int32(n))
        #expect(m * n * k >= 2 * Int(FIA_GEMM_SPLIT_MACS))
        #expect(split.scalars == nested.scalars)
        // Summation-order differences grow with K: allow K float epsilons relative to the magnitude.
        let worst = zip(split.scalars, reference.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= Float(k) * Float.ulpOfOne)
    }

    @Test func splitGemmIsTheSameInsideAndOutsideRegionsAcrossRandomShapes() {
        // A GEMM's bits must not depend on its caller: on the pool, or nested in a region (or with the pool busy,
        // which runs as a region), the blocks are the same. (Whether blocks equal one call depends on OpenBLAS's
        // kernels: so with SkylakeX, not with Haswell kernels on Zen 3; blocks stay ≥ 2^20 multiply-adds, above
        // OpenBLAS's small-matrix kernels, in any case.)
        var rng = RNG(seed: 11)
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.uniform() * Float(range.count - 1)) }
        var checked = 0, mismatched: [String] = []
        while checked < 200 {
            let m = pick(16...600), n = pick(8...300), k = pick(8...300), ta = rng.uniform() < 0.5, tb = rng.uniform() < 0.5
            guard (1 << 19)...(1 << 22) ~= m * n * k else { continue }
            checked += 1
            let a = Fixtures.randn([m * k], seed: UInt64(checked)), b = Fixtures.randn([k * n], seed: UInt64(checked + 1000))
            let split = Tensor.zeros([m, n]), nested = Tensor.zeros([m, n])
            let lda = Int32(ta ? m : k), ldb = Int32(tb ? k : n)
            fia_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 1, a.storage.pointer, lda, b.storage.pointer, ldb, 0,
                      split.storage.pointer, Int32(n))
            Self.insideRegion {
                fia_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 1, a.storage.pointer, lda, b.storage.pointer, ldb, 0,
                          nested.storage.pointer, Int32(n))
            }
            if split.scalars != nested.scalars { mismatched.append("\(m)×\(k)×\(n) ta \(ta) tb \(tb)") }
        }
        #expect(mismatched.isEmpty, "GEMMs whose bits depend on being nested: \(mismatched)")
    }

    @Test func stridedMapsSplitOverOuterSlicesMatchAScalarLoop() throws {
        // Large enough (64·130·33 ≈ 275K elements) to be split; the outer extent 64 splits unevenly in 16K chunks.
        let a = Fixtures.randn([64, 130, 33], seed: 4), b = Fixtures.randn([130, 1], seed: 5)
        let sum = a + b
        let av = a.scalars, bv = b.scalars
        let expected = av.indices.map { av[$0] + bv[($0 / 33) % 130] }
        #expect(sum.scalars == expected)
        let permuted = a.permuted([2, 0, 1])
        let pv = permuted.scalars
        var mismatches = 0
        for i in 0..<33 { for j in 0..<64 { for k in 0..<130 where pv[(i * 64 + j) * 130 + k] != av[(j * 130 + k) * 33 + i] { mismatches += 1 } } }
        #expect(permuted.shape == [33, 64, 130] && mismatches == 0)
    }

    @Test func softmaxSplitOverRowsMatchesRowByRow() throws {
        let x = Fixtures.randn([3000, 37], seed: 6, std: 3).requiringGrad()
        let y = softmax(x)
        let xv = x.scalars, yv = y.scalars
        var worst = 0.0
        for r in 0..<3000 {
            let row = xv[(r * 37)..<((r + 1) * 37)].map(Double.init), top = row.max()!
            let e = row.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
            for j in 0..<37 { worst = max(worst, abs(Double(yv[r * 37 + j]) - e[j] / total)) }
        }
        #expect(worst < 1e-6)
        // Backward of Σ w⊙y: dx = y ⊙ (w − Σ w⊙y) per row.
        let w = Fixtures.randn([3000, 37], seed: 7)
        try (y * w).sum().backward()
        let wv = w.scalars, gv = x.grad!.scalars
        var worstGrad = 0.0
        for r in 0..<3000 {
            let dot = (0..<37).reduce(0.0) { $0 + Double(wv[r * 37 + $1]) * Double(yv[r * 37 + $1]) }
            for j in 0..<37 { worstGrad = max(worstGrad, abs(Double(gv[r * 37 + j]) - Double(yv[r * 37 + j]) * (Double(wv[r * 37 + j]) - dot))) }
        }
        #expect(worstGrad < 1e-6)
    }
}

import Foundation
