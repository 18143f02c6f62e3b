import Foundation
import Testing
@testable import Experiment
import RRSISModels

/// The example specs in `Tests/HarnessTests/Specs/` (drafts of the ones shipped in `Ablations/`) load,
/// use `extends` as intended and expand to the paper's rows.
struct ExampleSpecTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path

    static func load(_ name: String) throws -> AblationSpec {
        try SpecLoader(workingDirectory: folder).load("specs/\(name).json")   // case-insensitive on purpose
    }

    @Test func alignmentAblation() throws {
        let spec = try Self.load("fiam_vs_coarse")
        #expect(spec.file == "Specs/fiam_vs_coarse.json")
        #expect(spec.cells.map(\.name) == ["Coarse alignment", "FIAM w/o spatial", "FIAM"])
        #expect(spec.cells.allSatisfy { $0.model[.scale].name == "tmem" })
        #expect(spec.seeds.count == 3 && spec.baseline == "Coarse alignment")
    }

    @Test func scaleAblationInheritsEverythingButTheRows() throws {
        let spec = try Self.load("scale_modules")
        #expect(spec.name == "scale_modules")
        #expect(spec.cells.map { $0.model[.scale].name } == ["none", "fpn", "tmem"])
        #expect(spec.cells.allSatisfy { $0.model[.alignment].name == "fiam" })
        #expect(spec.train == (try Self.load("fiam_vs_coarse")).train)
    }

    @Test func fullGridIsThreeByThree() throws {
        let spec = try Self.load("full_grid")
        #expect(spec.cells.count == 9)
        #expect(spec.cells.first?.name == "Coarse + no scale" && spec.cells.last?.name == "FIAM + TMEM")
        #expect(spec.baseline == "Coarse + no scale")
    }

    @Test func smokeIsTiny() throws {
        let spec = try Self.load("smoke")
        #expect(try spec.dataset.params.int("train") == 32 && spec.dataset.params.int("imageSize") == 64)
        #expect(spec.train.epochs == 1 && spec.seeds == [0] && spec.cells.count == 2)
        #expect(spec.train.lr == 3e-4)   // inherited
        #expect(try spec.cells[0].model[.backbone].params.ints("dims") == [8, 16, 32, 64])
    }
}
