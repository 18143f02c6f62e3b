import Foundation
import Testing
@testable import RRSISData

/// Runs `Sources/RRSISData/Scripts/convert_rrsisd.py` on the tiny RRSIS-D-style fixture and loads the
/// result with the Swift loader. Skipped when `python3` is not on the PATH.
@Suite(.enabled(if: Python.path != nil, "python3 not found"))
struct RRSISDConversionTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/RRSISData/Scripts/convert_rrsisd.py")

    func convert(to out: URL) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Python.path!)
        p.arguments = [Self.script.path, "--root", Fixture.url("rrsisd").path, "--out", out.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func polygonAndRLEMasksConvertAndLoad() throws {
        let out = temporaryDirectory("rrsisd")
        defer { try? FileManager.default.removeItem(at: out) }
        let (status, stderr) = try convert(to: out)
        #expect(status == 0)
        #expect(stderr.contains("converted 4 samples; skipped 3"))
        #expect(stderr.contains("refs(unc).p record 3 (ref_id 13): annotation 999 not found in instances.json"))
        #expect(stderr.contains("refs(unc).p record 4 (ref_id 14): image file"))
        #expect(stderr.contains("refs(unc).p record 5 (ref_id 15): split 'testB'"))

        let (samples, report) = try Manifest.load(from: out)
        #expect(report.skipped.isEmpty)
        #expect(samples.map(\.id) == ["10-0", "10-1", "11-0", "12-0"])
        #expect(samples.map(\.split) == [.train, .train, .train, .val])
        #expect(samples.map(\.tags.category) == ["bridge", "bridge", "vehicle", "storage tank"])
        #expect(samples[2].expression == "the vehicle on the left")
        // Masks from the fixture's docstring (4 wide, 3 high, row-major).
        #expect(samples[0].mask == [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0])   // polygon [1,0, 3,0, 3,2, 1,2]
        #expect(samples[2].mask == [1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1])   // RLE counts [0,2,2,1,6,1], column-major
        #expect(samples[3].mask == [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0])   // compressed RLE of [6,2,1,2,1]
        #expect(samples[2].image.pixels == [UInt8](repeating: 0, count: 12).enumerated().flatMap { _ in [UInt8(200), 100, 50] })
        // 4 of 12 pixels → large; scale filled in by the loader.
        #expect(samples[0].tags.scale == .large)
    }
}

enum Python {
    /// The first `python3` on `PATH`.
    static let path: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
        .split(separator: ":").map { "\($0)/python3" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
