import Foundation
import Testing
@testable import Harness
@testable import Declarations
@testable import Experiment
@testable import Runner
import RRSISModels

/// Planning is bookkeeping: its time grows linearly with the number of variants, and the shortcuts
/// taken for that speed give the same run keys as the plain definitions.
struct PlanScaleTests {
    /// A spec whose grid has `a × b` variants (decoder widths × pyramid widths), one seed.
    static func grid(_ a: Int, _ b: Int) -> String {
        let decoders = (0..<a).map { #"{"name": "lavt", "params": {"dim": \#(8 + $0)}}"# }.joined(separator: ", ")
        let pyramids = (0..<b).map { #"{"name": "fpn", "params": {"width": \#(8 + $0)}}"# }.joined(separator: ", ")
        return """
        {"dataset": {"name": "synthetic", "imageSize": 64, "train": 8, "val": 4, "test": 4},
         "model": \(Fixtures.tinyModel), "train": {"epochs": 1, "batchSize": 4}, "seeds": [0],
         "variants": {"grid": {"decoder": [\(decoders)], "scale": [\(pyramids)]}}}
        """
    }

    @Test func configRenderingMatchesTheCanonicalRenderOfEveryCell() throws {
        let withControls = try Fixtures.alignment { try $0.set("controls", #"["text-blind", "position-blind"]"#) }
        for spec in [try Fixtures.alignment(), try Fixtures.validate(Self.grid(3, 4)).get(), try withControls.get()] {
            var render = Plan.ConfigRenderer()
            for cell in spec.cells { #expect(render(cell) == CanonicalJSON.render(Plan.config(of: cell, in: spec))) }
        }
    }

    /// `ablate plan` without model-based estimates (those cover 16 variants at most): 10,000 variants in
    /// seconds, and four times the variants costs about four times the time (quadratic would be 16×).
    @Test func planningTenThousandVariantsIsFastAndLinear() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        func seconds(_ a: Int, _ b: Int) throws -> Double {
            let path = try dir.write("Ablations/g\(a)x\(b).json", Self.grid(a, b))
            let start = now()
            let text = try HarnessCommands.plan(spec: path, storePath: dir.path + "/none.sqlite", estimate: { _ in nil })
            let elapsed = now() - start
            #expect(text.contains("\(a * b) variants × 1 seed = \(a * b) runs"))
            return elapsed
        }
        // The faster of two timings of each size: the suite runs tests in parallel, and one slow timing
        // (a clean-clone CI once measured 8.2× for 4× the variants) is the machine's, not the planner's.
        let quarter = min(try seconds(50, 50), try seconds(50, 50)), full = min(try seconds(100, 100), try seconds(100, 100))
        #expect(full < 10, "10,000 variants took \(full) s")
        #expect(full < 7 * max(quarter, 0.05), "2,500 variants \(quarter) s, 10,000 variants \(full) s: not linear")
    }
}
