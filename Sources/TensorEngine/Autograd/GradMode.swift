import CKernels

/// Whether ops record the autograd graph, per thread. Off inside `withNoGrad`, where ops allocate no
/// graph nodes and keep no inputs alive (inference and evaluation).
public enum GradMode {
    /// True unless inside `withNoGrad` on this thread.
    @inline(__always) public static var isEnabled: Bool { fia_tls_grad_enabled() != 0 }

    /// Runs `body` without recording gradients, restoring the previous mode afterwards.
    public static func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
        let previous = fia_tls_grad_enabled()
        fia_tls_set_grad_enabled(0)
        defer { fia_tls_set_grad_enabled(previous) }
        return try body()
    }
}

/// Shorthand for `GradMode.withNoGrad`.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T { try GradMode.withNoGrad(body) }
