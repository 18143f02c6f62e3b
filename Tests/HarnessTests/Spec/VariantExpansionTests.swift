import Testing
import RRSISModels

struct VariantExpansionTests {
    static let gridVariants = #"""
    {"grid": {"alignment": ["coarse", {"name": "fiam", "params": {"spatial": false}}, {"name": "fiam", "label": "FIAM"}],
              "scale": ["none", "fpn", "tmem"]},
     "exclude": [{"alignment": "coarse", "scale": "tmem"}, {"alignment": {"name": "fiam", "params": {"spatial": false}}, "scale": "fpn"}]}
    """#

    @Test func gridIsRowMajorWithLabelsAndExcludes() throws {
        let spec = try Fixtures.alignment { try $0.set("variants", Self.gridVariants).set("baseline", "\"coarse + none\"") }.get()
        #expect(spec.cells.map(\.name) == [
            "coarse + none", "coarse + fpn",
            "fiam(spatial=false) + none", "fiam(spatial=false) + tmem",
            "FIAM + none", "FIAM + fpn", "FIAM + tmem",
        ])
        #expect(spec.cells.map(\.index) == Array(0..<7))
        // Slots not in the grid keep the base model's choice.
        #expect(spec.cells.allSatisfy { $0.model[.backbone].name == "swin" && $0.model[.decoder].name == "lavt" })
        // An exclude entry naming only a component (no params) matches every parameterisation of it.
        let noFiamFPN = try Fixtures.alignment {
            try $0.set("variants", #"{"grid": {"alignment": ["coarse", "fiam"], "scale": ["none", "fpn"]}, "exclude": [{"alignment": "fiam", "scale": "fpn"}]}"#)
                .removing("baseline")
        }.get()
        #expect(noFiamFPN.cells.map(\.name) == ["coarse + none", "coarse + fpn", "fiam + none"])
        #expect(noFiamFPN.baseline == "coarse + none")   // first cell when not given
    }

    @Test func gridProblemsAreLocated() throws {
        let issues = Fixtures.issues(try Fixtures.alignment {
            try $0.set("variants", #"{"grid": {"alignment": ["coarse", "fiamm"], "scal": ["none"]}, "exclude": [{"scale": "tmemm"}]}"#).removing("baseline")
        })
        #expect(issues.map(\.path) == ["variants.grid.alignment[1]", "variants.grid.scal", "variants.exclude[0].scale"])
    }

    @Test func rowsAndGridTogetherIsAnError() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("variants.grid", #"{"scale": ["none"]}"#) })
        #expect(issues.map(\.path) == ["variants"])
        #expect(issues.first?.sentence.contains("either \"rows\" or \"grid\"") == true)
    }

    @Test func excludingEverythingIsAnError() throws {
        let issues = Fixtures.issues(try Fixtures.alignment {
            try $0.set("variants", #"{"grid": {"alignment": ["coarse"]}, "exclude": [{"alignment": "coarse"}]}"#).removing("baseline")
        })
        #expect(issues.map(\.path) == ["variants.exclude"])
    }
}
