import Dispatch

/// Where a training step's time goes, by op: `OpProfile.measuring { … }` attributes forward time to each
/// recorded op (the time since the previous op was recorded, so the Swift between two ops counts with the
/// later one) and backward time to each graph node's gradient closure. A developer's tool for finding what
/// to fuse or speed up (`ablate-bench model --profile`); off, it costs one load per op.
public final class OpProfile {
    public struct Entry: Sendable {
        public var op: String
        public var forwardSeconds: Double = 0, backwardSeconds: Double = 0
        public var forwardCalls = 0, backwardCalls = 0
    }

    nonisolated(unsafe) static var active: OpProfile?

    /// `op`, with `detail()` (shapes) appended while a profile is collecting: GEMM-backed ops are listed per
    /// shape, which is what decides their speed. Costs one load when no profile is active.
    @inline(__always)
    static func name(_ op: String, _ detail: @autoclosure () -> String) -> String {
        active == nil ? op : op + " " + detail()
    }

    private var entries: [String: Entry] = [:]
    private var last: UInt64 = 0

    public init() {}

    /// Runs `body` with this profile collecting (single-threaded callers only: the engine's own workers
    /// never record ops).
    public func measuring<T>(_ body: () throws -> T) rethrows -> T {
        let previous = OpProfile.active
        OpProfile.active = self
        last = DispatchTime.now().uptimeNanoseconds
        defer { OpProfile.active = previous }
        return try body()
    }

    /// Ops by total time, largest first.
    public var byTotal: [Entry] {
        entries.values.sorted { $0.forwardSeconds + $0.backwardSeconds > $1.forwardSeconds + $1.backwardSeconds }
    }

    func forward(_ op: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        entries[op, default: Entry(op: op)].forwardSeconds += Double(now - last) / 1e9
        entries[op, default: Entry(op: op)].forwardCalls += 1
        last = now
    }

    func backward<T>(_ op: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let now = DispatchTime.now().uptimeNanoseconds
        entries[op, default: Entry(op: op)].backwardSeconds += Double(now - start) / 1e9
        entries[op, default: Entry(op: op)].backwardCalls += 1
        last = now
        return result
    }
}
