import Foundation
import Testing
@testable import Experiment
@testable import RunStore
import RRSISModels

struct EnvironmentTests {
    @Test func runCapturesTrimmedOutputAndFailures() {
        #expect(RunEnvironment.run(["printf", "  hello\\n"]) == "hello")
        #expect(RunEnvironment.run(["false"]) == nil)
        #expect(RunEnvironment.run(["true"]) == nil)
        #expect(RunEnvironment.run(["true"], keepEmpty: true) == "")
    }
}

/// Every spec shipped in `Ablations/` must validate (an empty folder passes).
struct ShippedSpecTests {
    static var shipped: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/Ablations")) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().map { root + "/Ablations/" + $0 }
    }

    @Test(arguments: shipped)
    func validates(path: String) throws {
        let spec = try SpecLoader().load(path)
        #expect(!spec.cells.isEmpty && spec.cells.contains { $0.name == spec.baseline })
    }
}
