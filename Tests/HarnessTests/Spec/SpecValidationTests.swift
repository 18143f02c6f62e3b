import Testing
@testable import Declarations
@testable import Experiment
import RRSISModels

struct SpecValidationTests {
    @Test func validSpecResolvesEveryComponentWithDefaults() throws {
        let spec = try Fixtures.alignment()
        #expect(spec.cells.map(\.name) == ["Coarse", "FIAM w/o spatial", "FIAM"])
        #expect(spec.baseline == "Coarse")
        #expect(spec.seeds == [0, 1, 2])
        #expect(spec.cells[0].model[.alignment].name == "coarse")
        #expect(try spec.cells[1].model[.alignment].params.bool("spatial") == false)
        #expect(try spec.cells[2].model[.alignment].params.bool("spatial") == true)   // default
        #expect(try spec.cells[2].model[.scale].params.int("blocks") == 1)
        #expect(try spec.cells[0].model[.backbone].params.ints("dims") == [32, 64, 128, 256])
        #expect(spec.train.epochs == 4 && spec.train.batchSize == 8 && spec.train.lr == 0.001)
        #expect(spec.train.checkpoint == .bestVal && spec.train.evalEvery == 1)   // defaults
        #expect(spec.dataset.kind == .synthetic)
        #expect(try spec.dataset.params.int("train") == 200 && spec.dataset.params.double("noise") == 6)
        #expect(spec.report.primary == .mIoU && spec.report.split == "test")
    }

    @Test func unknownKeyNamesPathAllowedKeysAndSuggestion() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("train.epochz", "3") })
        #expect(issues.count == 1)
        #expect(issues[0].path == "train.epochz")
        guard case let .unknownKey(key, _, allowed, suggestion) = issues[0].problem else { Issue.record("\(issues)"); return }
        #expect(key == "epochz" && suggestion == "epochs" && allowed.contains("batchSize"))
        #expect(issues[0].description.hasPrefix("test.json: train.epochz: unknown key \"epochz\" in train. Did you mean \"epochs\"?"))
    }

    @Test func unknownComponentListsRegisteredOnes() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("variants.rows.0.model.alignment", "fiamm") })
        #expect(issues.count == 1)
        #expect(issues[0].path == "variants.rows[0].model.alignment")
        #expect(issues[0].problem == .unknownComponent(slot: .alignment, name: "fiamm", allowed: Registry.standard.names(for: .alignment), suggestion: "fiam"))
        #expect(issues[0].sentence.contains("Registered alignment components: " + Registry.standard.names(for: .alignment).joined(separator: ", ")))
    }

    @Test(arguments: [
        ("train.epochs", "\"10\"", "expected an integer in 1…10000, found a string (\"10\")."),
        ("train.epochs", "2.5", "expected an integer in 1…10000, found a number (2.5)."),
        ("train.epochs", "0", "0 is out of range; expected an integer in 1…10000."),
        ("train.lr", "5", "5.0 is out of range; expected a number in 1e-09…1.0."),
        ("train.checkpoint", "\"best\"", "\"best\" is not allowed here. Did you mean \"best-val\"? Allowed values: best-val, last."),
        ("model.scale.params.blocks", "7", "7 is out of range; expected an integer in 1…4."),
        ("model.alignment", "{\"name\": \"fiam\", \"params\": {\"spatial\": 1}}", "expected true or false, found an integer (1)."),
        ("model.backbone", #"{"name": "swin", "params": {"dims": [32, 64, 128]}}"#, "[32,64,128] is out of range; expected a list of 4 integers each in 8…2048."),
        ("dataset.imageSize", "32", "32 is out of range; expected an integer in 64…1024."),
        ("dataset.imageSize", "80", "80 is out of range; expected a multiple of 32 from 64 (the encoder's last stage is imageSize/32 pixels wide and needs at least 2)."),
        ("dataset.seed", "-1", "-1 is out of range; expected an integer ≥ 0."),
        ("report.primary", "\"miou\"", "\"miou\" is not allowed here. Did you mean \"mIoU\"? Allowed values: oIoU, mIoU, Pr@0.5, Pr@0.6, Pr@0.7, Pr@0.8, Pr@0.9."),
    ])
    func wrongTypesAndRangesAreSentences(path: String, value: String, sentence: String) throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set(path, value) })
        #expect(issues.map(\.sentence) == [sentence])
        #expect(issues.first?.path.hasPrefix(path) == true)
    }

    @Test func allProblemsAreReportedAtOnce() throws {
        let result = try Fixtures.alignment { doc in
            try doc.set("train.epochz", "3").set("train.batchSize", "0").set("model.decoder", "\"lavtt\"")
                .set("seeds", "[0, 0]").set("baseline", "\"coarse\"").set("report.latx", "true")
                .removing("dataset")
        }
        let paths = Fixtures.issues(result).map(\.path).sorted()
        #expect(paths == ["baseline", "dataset", "model.decoder", "report.latx", "seeds[1]", "train.batchSize", "train.epochz"])
        guard case .failure(let error) = result else { return }
        #expect(error.description.hasPrefix("test.json: 7 problems in the spec; nothing was run.\n  • test.json: "))
    }

    @Test func missingSlotAndUnknownSlot() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { doc in
            try doc.set("model", #"{"backbone": "swin", "text": "transformer", "alignmnet": "fiam", "scale": "none", "decoder": "lavt"}"#)
        })
        #expect(issues.map(\.path) == ["model.alignmnet", "model.alignment"])
        #expect(issues[0].problem == .unknownKey(key: "alignmnet", section: "model", allowed: ComponentSlot.allCases.map(\.rawValue), suggestion: "alignment"))
    }

    @Test func baselineMustNameAVariant() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("baseline", "\"FIAM w/o spatail\"") })
        #expect(issues.map(\.problem) == [.unknownBaseline(name: "FIAM w/o spatail", cells: ["Coarse", "FIAM w/o spatial", "FIAM"], suggestion: "FIAM w/o spatial")])
    }

    @Test func duplicateRowNamesAreRejected() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("variants.rows.2.name", "\"Coarse\"") })
        #expect(issues.map(\.problem) == [.duplicate(what: "variant name", value: "Coarse")])
    }

    @Test func warmupBeyondEpochsIsRejected() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("train.warmup", "5") })
        #expect(issues.map(\.sentence) == ["5 is out of range; expected at most train.epochs (4)."])
    }

    @Test func datasetKindsHaveTheirOwnParameters() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("dataset", #"{"name": "rrsisd"}"#) })
        #expect(issues.map(\.path) == ["dataset.path"])
        let typo = Fixtures.issues(try Fixtures.alignment { try $0.set("dataset.name", "\"synthetc\"") })
        #expect(typo.map(\.problem) == [.unknownChoice(value: "synthetc", allowed: ["synthetic", "folder", "refsegrs", "rrsisd"], suggestion: "synthetic")])
        let ok = try Fixtures.alignment { try $0.set("dataset", #"{"name": "folder", "path": "/data/rrsisd"}"#) }.get()
        #expect(try ok.dataset.params.string("path") == "/data/rrsisd")
    }

    @Test func canonicalNumbersMakeEquivalentSpecsHashAlike() throws {
        let a = try Fixtures.alignment { try $0.set("train.lr", "0.001") }.get()
        let b = try Fixtures.alignment { try $0.set("train.lr", "1e-3") }.get()
        #expect(a.specHash == b.specHash)
        #expect(Plan(a).runs.map(\.runKey) == Plan(b).runs.map(\.runKey))
        let c = try Fixtures.alignment { try $0.set("train.lr", "2e-3") }.get()
        #expect(Plan(a).runs.map(\.runKey) != Plan(c).runs.map(\.runKey))
    }
}

struct SpecNameTests {
    @Test func aFileStemThatCannotNameAFolderIsRejected() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/my spec.json", Fixtures.alignmentSpec)
        #expect(throws: SpecError(file: "Ablations/my spec.json", issues: [SpecIssue(path: "name", .invalidName("my spec"))])) {
            _ = try SpecLoader(workingDirectory: dir.path).load("Ablations/my spec.json")
        }
        let renamed = try SpecLoader(workingDirectory: dir.path).load("Ablations/my spec.json", overrides: ["name=my_spec"])
        #expect(renamed.name == "my_spec")
    }

    @Test(arguments: [("fiam_vs_coarse", true), ("smoke-2.v1", true), ("", false), ("../x", false), (".hidden", false), ("a b", false)])
    func namesMustBeSafeFolderNames(name: String, ok: Bool) {
        #expect(SpecValidator.isSafeName(name) == ok)
    }
}
