import CKernels

/// Counts the arithmetic of forward passes, per component.
///
/// Conventions: a MAC is one fused multiply-add (a matmul of [M,K]×[K,N] is M·K·N MACs; a convolution is
/// N·Cout·Hout·Wout·(Cin/groups)·kh·kw MACs). `flops` counts every other arithmetic operation once per
/// element (elementwise maps, reductions, softmax, norms), so total FLOPs = 2·MACs + flops. Only ops run
/// while a counter is active are counted, and backward passes are never counted.
public final class CostCounter {
    /// MACs per scope path (e.g. `backbone.stage2.align`); "" is the top level.
    public private(set) var macs: [String: Int] = [:]
    /// Non-MAC FLOPs per scope path.
    public private(set) var flops: [String: Int] = [:]

    public init() {}

    /// Total MACs over every path.
    public var totalMACs: Int { macs.values.reduce(0, +) }
    /// Total FLOPs: 2 per MAC plus the non-MAC operations.
    public var totalFLOPs: Int { 2 * totalMACs + flops.values.reduce(0, +) }

    /// MACs of `path` and everything nested under it.
    public func macs(under path: String) -> Int {
        macs.filter { Cost.isWithin($0.key, path) }.values.reduce(0, +)
    }

    /// FLOPs (2·MACs + others) of `path` and everything nested under it.
    public func flops(under path: String) -> Int {
        2 * macs(under: path) + flops.filter { Cost.isWithin($0.key, path) }.values.reduce(0, +)
    }

    func add(path: String, macs m: Int, flops f: Int) {
        if m != 0 { macs[path, default: 0] += m }
        if f != 0 { flops[path, default: 0] += f }
    }
}

/// Per-thread accounting state: the active counter and the scope path.
final class CostContext {
    var active: CostCounter?
    var path: [String] = []
    var joined = ""

    /// This thread's context, created on first use (and kept for the thread's life).
    static var current: CostContext {
        if let raw = fia_tls_context() { return Unmanaged<CostContext>.fromOpaque(raw).takeUnretainedValue() }
        let context = CostContext()
        fia_tls_set_context(Unmanaged.passRetained(context).toOpaque())
        return context
    }
}

/// The active cost counter and the current scope path (per thread).
public enum Cost {
    /// Runs `body` counting into `counter` (nesting replaces the outer counter for the duration).
    public static func counting<T>(into counter: CostCounter, _ body: () throws -> T) rethrows -> T {
        let context = CostContext.current
        let previous = context.active
        context.active = counter
        defer { context.active = previous }
        return try body()
    }

    /// Runs `body` with `name` appended to the scope path (`a` then `b` gives `a.b`).
    public static func scope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        push(name)
        defer { pop() }
        return try body()
    }

    /// Appends `name` to the scope path (prefer `scope(_:_:)`, which cannot leave it unbalanced).
    public static func push(_ name: String) {
        let c = CostContext.current
        c.path.append(name)
        c.joined = c.path.joined(separator: ".")
    }

    /// Removes the innermost scope name.
    public static func pop() {
        let c = CostContext.current
        c.path.removeLast()
        c.joined = c.path.joined(separator: ".")
    }

    /// The current scope path.
    public static var currentPath: String { CostContext.current.joined }

    /// Adds to the active counter, if any, under the current scope path.
    @inline(__always)
    public static func add(macs: Int = 0, flops: Int = 0) {
        guard let raw = fia_tls_context() else { return }
        let c = Unmanaged<CostContext>.fromOpaque(raw).takeUnretainedValue()
        guard let active = c.active else { return }
        active.add(path: c.joined, macs: macs, flops: flops)
    }

    /// Whether `key` is `path` or nested below it.
    static func isWithin(_ key: String, _ path: String) -> Bool {
        path.isEmpty || key == path || key.hasPrefix(path + ".")
    }
}
