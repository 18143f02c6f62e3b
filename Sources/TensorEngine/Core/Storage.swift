import Foundation

/// A contiguous, 64-byte-aligned float32 buffer. Buffers come from and go back to `BufferPool`, so a
/// training loop that repeats the same shapes allocates nothing after its first step.
public final class Storage {
    /// The first element. Valid for `count` elements while this object is alive.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of float32 elements.
    public let count: Int

    /// Uninitialised storage for `count` elements (contents are whatever the pool held).
    public init(uninitialized count: Int) {
        precondition(count >= 0, "Storage: negative element count \(count)")
        self.count = count
        self.pointer = BufferPool.shared.take(count)
    }

    /// Zero-filled storage.
    public convenience init(zeros count: Int) {
        self.init(uninitialized: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(pointer, count: count) }

    /// The elements as an immutable buffer.
    @inlinable public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: pointer, count: count) }
}

/// Size-keyed free lists of aligned buffers. Training repeats the same shapes every step, so exact-size
/// reuse hits almost always; the pool keeps at most `limitBytes` idle and frees the rest.
public final class BufferPool: @unchecked Sendable {
    /// The process-wide pool.
    public static let shared = BufferPool()

    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var idleBytes = 0
    private let lock = NSLock()
    /// Idle memory kept for reuse; above this, returned buffers are freed.
    public var limitBytes = 1 << 30
    /// Bytes currently handed out (live tensors), and the high-water mark since the last `resetPeak()`.
    public private(set) var liveBytes = 0
    public private(set) var peakLiveBytes = 0

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = Swift.max(count, 16) * MemoryLayout<Float>.stride
        lock.lock()
        liveBytes += bytes
        peakLiveBytes = Swift.max(peakLiveBytes, liveBytes)
        if var list = free[bytes], let raw = list.popLast() {
            free[bytes] = list
            idleBytes -= bytes
            lock.unlock()
            return raw.assumingMemoryBound(to: Float.self)
        }
        lock.unlock()
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            preconditionFailure("BufferPool: out of memory allocating \(bytes) bytes")
        }
        return raw.bindMemory(to: Float.self, capacity: Swift.max(count, 16))
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = Swift.max(count, 16) * MemoryLayout<Float>.stride
        lock.lock()
        liveBytes -= bytes
        if idleBytes + bytes <= limitBytes {
            free[bytes, default: []].append(UnsafeMutableRawPointer(pointer))
            idleBytes += bytes
            lock.unlock()
        } else {
            lock.unlock()
            Foundation.free(pointer)
        }
    }

    /// Frees every idle buffer (live tensors are unaffected).
    public func trim() {
        lock.lock()
        let lists = free
        free = [:]
        idleBytes = 0
        lock.unlock()
        for list in lists.values { for raw in list { Foundation.free(raw) } }
    }

    /// Starts a new peak measurement from the current live size.
    public func resetPeak() {
        lock.lock(); peakLiveBytes = liveBytes; lock.unlock()
    }
}
