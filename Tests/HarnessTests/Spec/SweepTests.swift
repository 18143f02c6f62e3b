import Foundation
import Testing
@testable import Declarations
@testable import Experiment
import RRSISModels
import Reporting
import RunStore

/// Variants that vary any spec key: grids and rows over `train.*`, `dataset.*` and component parameters,
/// `sweep` crossings, and `--set key=a,b` multiruns.
struct SweepTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func grid(_ grid: String, extra: String = "") throws -> Result<AblationSpec, SpecError> {
        try Fixtures.alignment { doc in
            let d = try doc.set("variants", #"{"grid": \#(grid)}"#).removing("baseline")
            return extra.isEmpty ? d : try d.set("baseline", extra)
        }
    }

    @Test func aGridOverLearningRateAndAlignmentIsTheirProduct() throws {
        let spec = try Self.grid(#"{"train.lr": [3e-4, 1e-3, 3e-3], "model.alignment": ["coarse", "fiam"]}"#, extra: #""lr=0.001 + coarse""#).get()
        #expect(spec.cells.map(\.name) == ["lr=0.0003 + coarse", "lr=0.0003 + fiam", "lr=0.001 + coarse", "lr=0.001 + fiam",
                                           "lr=0.003 + coarse", "lr=0.003 + fiam"])
        #expect(spec.cells.map(\.train.lr) == [3e-4, 3e-4, 1e-3, 1e-3, 3e-3, 3e-3])
        #expect(spec.cells.map { $0.model[.alignment].name } == ["coarse", "fiam", "coarse", "fiam", "coarse", "fiam"])
        // Everything the grid does not set is the spec's.
        #expect(spec.cells.allSatisfy { $0.train.epochs == 4 && $0.train.batchSize == 8 && $0.dataset == spec.dataset })
        #expect(spec.cells[0].swept == [SweptValue(key: "train.lr", value: "0.0003")])
        #expect(spec.sweptKeys == ["train.lr"])
        #expect(spec.baseline == "lr=0.001 + coarse")
        // Every cell is its own run: keys differ, and the lr is in each config.
        let plan = Plan(spec)
        #expect(Set(plan.runs.map(\.runKey)).count == plan.runs.count)
        #expect(plan.runs[0].config.contains(#""lr":0.0003"#))
    }

    @Test func aCellThatSetsTheSpecsOwnValuesHasTheSpecsRunKeys() throws {
        // The base recipe has lr 1e-3: the grid's 1e-3 cell is the very run the plain spec plans.
        let plain = Plan(try Fixtures.alignment())
        let swept = Plan(try Self.grid(#"{"model.alignment": ["coarse"], "train.lr": [1e-3, 3e-3]}"#).get())
        let coarse = plain.runs.filter { $0.cell.name == "Coarse" }.map(\.runKey)
        #expect(swept.runs.filter { $0.cell.name == "coarse + lr=0.001" }.map(\.runKey) == coarse)
        #expect(swept.runs.filter { $0.cell.name == "coarse + lr=0.003" }.allSatisfy { !coarse.contains($0.runKey) })
    }

    @Test func rowsMaySetTrainAndDatasetKeys() throws {
        let spec = try Fixtures.alignment { doc in
            try doc.set("variants.rows", #"[{"name": "short", "train": {"epochs": 2}}, {"name": "long", "train": {"epochs": 8, "lr": 3e-4}, "dataset": {"noise": 12}}]"#)
                .set("baseline", #""short""#)
        }.get()
        #expect(spec.cells.map(\.train.epochs) == [2, 8])
        #expect(spec.cells.map(\.train.lr) == [1e-3, 3e-4])
        #expect(try spec.cells[1].dataset.params.double("noise") == 12 && spec.cells[0].dataset == spec.dataset)
        #expect(spec.cells[1].swept.map(\.key) == ["train.epochs", "train.lr", "dataset.noise"])
        // Other data, other fingerprint: the noisy row's runs are keyed by their own data.
        let plan = Plan(spec)
        #expect(plan.runs[0].datasetFingerprint == plan.datasetFingerprint)
        #expect(plan.runs[1 * spec.seeds.count].datasetFingerprint != plan.datasetFingerprint)
    }

    @Test func componentParametersAreSweepable() throws {
        let spec = try Self.grid(#"{"model.alignment.params.spatial": [true, false]}"#).get()
        #expect(spec.cells.map(\.name) == ["spatial=true", "spatial=false"])
        #expect(try spec.cells.map { try $0.model[.alignment].params.bool("spatial") } == [true, false])
    }

    @Test func anUnknownKeyIsNamedWithTheAllowedOnes() throws {
        let issues = Fixtures.issues(try Self.grid(#"{"train.lrate": [1e-3]}"#))
        let issue = try #require(issues.first { $0.path == "variants.grid.train.lrate" })
        #expect(issue.sentence.contains("unknown key \"train.lrate\""))
        #expect(issue.sentence.contains("train.lr") && issue.sentence.contains("dataset.noise") && issue.sentence.contains("model.alignment"))
        #expect(issue.sentence.contains("Did you mean \"train.lr\"?"))
    }

    @Test func anOutOfRangeValueIsReportedWhereTheGridWroteIt() throws {
        let issues = Fixtures.issues(try Self.grid(#"{"train.epochs": [4, 0]}"#))
        #expect(issues.map(\.path) == ["variants.grid.train.epochs[1]"])
        #expect(issues[0].sentence.contains("0"))
    }

    @Test func keepIsNeitherInRunKeysNorSweepable() throws {
        let plain = Plan(try Fixtures.alignment())
        let none = Plan(try Fixtures.alignment { try $0.set("train.keep", #""none""#) }.get())
        #expect(none.spec.train.keep == .none && plain.spec.train.keep == .selected)
        #expect(none.runs.map(\.runKey) == plain.runs.map(\.runKey))
        let issues = Fixtures.issues(try Self.grid(#"{"train.keep": ["none", "selected"]}"#))
        #expect(issues.contains { $0.path == "variants.grid.train.keep" && $0.sentence.contains("not what is computed") })
    }

    @Test func sweepCrossesEveryRowAndTheBaselineIsItsFirstCrossing() throws {
        let spec = try Fixtures.alignment { try $0.set("variants.sweep", #"{"train.epochs": [4, 8]}"#) }.get()
        #expect(spec.cells.map(\.name) == ["Coarse + epochs=4", "Coarse + epochs=8", "FIAM w/o spatial + epochs=4",
                                           "FIAM w/o spatial + epochs=8", "FIAM + epochs=4", "FIAM + epochs=8"])
        #expect(spec.baseline == "Coarse + epochs=4")
    }

    @Test func setWithCommasIsAMultirun() throws {
        let loader = SpecLoader(workingDirectory: Self.repository)
        let spec = try loader.load("Ablations/recipe_baseline.json", overrides: ["train.lr=3e-4,1e-3"])
        #expect(spec.cells.map(\.name) == ["Coarse alignment + lr=0.0003", "Coarse alignment + lr=0.001"])
        #expect(spec.cells.map(\.train.lr) == [3e-4, 1e-3])
        // JSON values stay single values, exactly as before.
        let seeds = try loader.load("Ablations/recipe_baseline.json", overrides: ["seeds=[0,1,2]"])
        #expect(seeds.seeds == [0, 1, 2] && seeds.cells.count == 1)
        #expect(try Override(parsing: #"model.backbone.params.dims=[8,16],[16,32]"#).values
                == [.array([.int(8), .int(16)]), .array([.int(16), .int(32)])])
        #expect(try Override(parsing: #"description="a, b""#).values == [.string("a, b")])
        // A key that cannot be swept says how to write a list.
        #expect {
            try loader.load("Ablations/recipe_baseline.json", overrides: ["seeds=0,1"])
        } throws: { error in
            "\(error)".contains("seeds=[0,1]")
        }
    }

    @Test func theRecipeSpecPlansOneRunPerLearningRateEpochsAndSeed() throws {
        let spec = try SpecLoader(workingDirectory: Self.repository).load("Ablations/recipe.json")
        let plan = Plan(spec)
        let lrs = [3e-4, 1e-3, 3e-3], epochs = [5, 10]
        #expect(spec.cells.count == lrs.count * epochs.count)
        #expect(spec.cells.map { "\($0.train.lr)/\($0.train.epochs)" } == lrs.flatMap { lr in epochs.map { "\(lr)/\($0)" } })
        #expect(spec.cells.allSatisfy { $0.model[.alignment].name == "coarse" })
        #expect(spec.sweptKeys == ["train.lr", "train.epochs"])
        #expect(spec.baseline == "Coarse alignment + lr=0.001 + epochs=5")
        #expect(Set(plan.runs.map(\.runKey)).count == plan.runs.count)
        // Its baseline cell is the main ablation's baseline row: the same runs.
        let main = Plan(try SpecLoader(workingDirectory: Self.repository).load("Ablations/fiam_vs_coarse.json"))
        #expect(plan.runs.filter { $0.cell.name == spec.baseline }.map(\.runKey)
                == main.runs.filter { $0.cell.name == "Coarse alignment" }.map(\.runKey))
    }

    @Test func tablesHaveOneColumnPerSweptKey() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let spec = try SpecLoader(workingDirectory: Self.repository).load("Ablations/recipe.json")
        let table = try ReportBuilder.build(Plan(spec), store: try ResultStore(path: dir.path + "/s.sqlite"))
        #expect(table.sweptKeys == ["train.lr", "train.epochs"])
        #expect(table.rows.map(\.swept) == [["0.0003", "5"], ["0.0003", "10"], ["0.001", "5"], ["0.001", "10"], ["0.003", "5"], ["0.003", "10"]])
        let markdown = MarkdownReport.render(table).split(separator: "\n")
        let header = try #require(markdown.first { $0.hasPrefix("| Variant") })
        #expect(header.hasPrefix("| Variant | train.lr | train.epochs | Seeds | oIoU"))
        #expect(markdown.contains { $0.hasPrefix("| Coarse alignment + lr=0.001 + epochs=5 (baseline) | 0.001 | 5 | 0/3 |") })
        let csv = CSVReport.render(table).components(separatedBy: "\r\n")
        #expect(csv[0].hasPrefix("variant,train.lr,train.epochs,baseline,"))
        #expect(csv[4].hasPrefix("Coarse alignment + lr=0.001 + epochs=10,0.001,10,false,0,3"))
        #expect(TerminalReport.render(table, ansi: false).contains("train.lr  train.epochs"))
        // A spec without swept keys keeps its table as it was.
        let plain = try ReportBuilder.build(Plan(try Fixtures.alignment()), store: try ResultStore(path: dir.path + "/s.sqlite"))
        #expect(plain.sweptKeys.isEmpty && MarkdownReport.render(plain).contains("| Variant | Seeds |"))
    }
}
