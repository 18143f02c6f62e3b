import Foundation

/// Appends TFRecord-framed `Event`s to one TensorBoard event file (`events.out.tfevents.<seconds>.<host>`),
/// buffering them in memory until `flush()` (the recorder flushes once per epoch and at the end).
final class EventFileWriter {
    let url: URL
    private var pending = Data()
    private let handle: FileHandle

    /// Creates the file in `folder` (and the folder) with the `file_version` record.
    init(folder: URL, wallTime: Double, suffix: String = ProcessInfo.processInfo.hostName) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(wallTime)).\(suffix)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw TensorBoardError.cannotWrite(path: url.path)
        }
        handle = try FileHandle(forWritingTo: url)
        append(EventMessages.fileVersion(wallTime: wallTime))
        try flush()
    }

    deinit { try? handle.close() }

    func append(_ event: Data) { pending += TFRecord.frame(event) }

    func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}

/// Problems writing TensorBoard logs, naming the file.
public enum TensorBoardError: Error, CustomStringConvertible {
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path):
            return "Cannot create the TensorBoard event file \(path). Check that the results folder is writable, "
                + "or set report.tensorboard to false in the spec."
        }
    }
}
