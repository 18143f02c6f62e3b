import Foundation
@testable import RRSISData

/// Test fixtures (copied as the `Fixtures` resource folder).
enum Fixture {
    static let root: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { root.appendingPathComponent(name) }
}

/// The `DataError` thrown by `body`, or nil if it succeeds (or throws something else).
func dataError(_ body: () throws -> Void) -> DataError? {
    do { try body(); return nil } catch { return error as? DataError }
}

/// A fresh temporary directory, unique per call.
func temporaryDirectory(_ tag: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("rrsisdata-tests-\(tag)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
