import Dispatch

/// Splits work over this machine's cores. Kernels call it only above a size where threading pays
/// (ENGINE-NOTES: roughly 256K elements for maps), and never around a BLAS call (one threading owner).
public enum Parallel {
    /// Worker count: the number of active cores (override with FIA_THREADS).
    nonisolated(unsafe) public static var workers: Int = {
        if let s = getenvString("FIA_THREADS"), let n = Int(s), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body(range)` on disjoint chunks covering 0..<count, in parallel when `count` ≥ `grain`·2.
    public static func forChunks(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let chunks = min(workers, count / max(grain, 1))
        if chunks <= 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks, hi = count * (c + 1) / chunks
            body(lo..<hi)
        }
    }
}


extension Parallel {
    /// How many blocks `forBlocks` splits `count` items into (≥ 1): one per worker once each block would
    /// hold at least `grain` items.
    static func blockCount(_ count: Int, grain: Int) -> Int {
        Swift.max(1, Swift.min(workers, count / Swift.max(grain, 1)))
    }

    /// Calls `body(block, range)` for `blocks` disjoint ranges covering 0..<count, in parallel — for
    /// reductions that keep one partial result per block.
    static func forBlocks(_ count: Int, blocks: Int, _ body: (Int, Range<Int>) -> Void) {
        if blocks <= 1 { body(0, 0..<count); return }
        forChunks(blocks, grain: 1) { chunk in
            for b in chunk { body(b, (count * b / blocks)..<(count * (b + 1) / blocks)) }
        }
    }
}

import Foundation
private func getenvString(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
