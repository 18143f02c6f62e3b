import Testing
@testable import Declarations
@testable import Experiment
import RRSISModels

struct SpecLoaderTests {
    @Test func extendsMergesAndNameIsNotInherited() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/base.json", Fixtures.alignmentSpec.replacingOccurrences(of: "{\n  \"description\"", with: "{\n  \"name\": \"base\", \"description\""))
        try dir.write("Ablations/short.json", #"{"extends": "base.json", "train": {"epochs": 1}, "seeds": [5]}"#)
        let spec = try SpecLoader(workingDirectory: dir.path).load("Ablations/short.json")
        #expect(spec.name == "short")
        #expect(spec.train.epochs == 1)
        #expect(spec.train.batchSize == 8)          // inherited
        #expect(spec.seeds == [5])
        #expect(spec.cells.count == 3)
        #expect(spec.file == "Ablations/short.json")
    }

    @Test func nullRemovesAnInheritedKeySoAGridCanReplaceRows() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/base.json", Fixtures.alignmentSpec)
        try dir.write("Ablations/grid.json", """
            {"extends": "./base.json", "baseline": "coarse + none",
             "variants": {"rows": null, "grid": {"alignment": ["coarse", "fiam"], "scale": ["none", "fpn"]}}}
            """)
        let spec = try SpecLoader(workingDirectory: dir.path).load("Ablations/grid.json")
        #expect(spec.cells.map(\.name) == ["coarse + none", "coarse + fpn", "fiam + none", "fiam + fpn"])
    }

    @Test func problemsInInheritedValuesSayWhereTheyCameFrom() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/base.json", Fixtures.alignmentSpec.replacingOccurrences(of: "\"batchSize\": 8", with: "\"batchSize\": 0"))
        try dir.write("Ablations/child.json", #"{"extends": "base.json", "train": {"epochs": 0}}"#)
        #expect {
            _ = try SpecLoader(workingDirectory: dir.path).load("Ablations/child.json", overrides: ["seeds=[-1]"])
        } throws: { error in
            let e = error as! SpecError
            let byPath = Dictionary(uniqueKeysWithValues: e.issues.map { ($0.path, $0) })
            return e.issues.count == 3
                && byPath["train.batchSize"]?.origin == "inherited from Ablations/base.json"
                && byPath["train.epochs"]?.origin == nil
                && byPath["seeds[0]"]?.origin == "set on the command line: --set seeds=[-1]"
                && byPath["train.batchSize"]?.file == "Ablations/child.json"
        }
    }

    @Test func extendsCycleIsReportedWithTheChain() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/a.json", #"{"extends": "b.json"}"#)
        try dir.write("Ablations/b.json", #"{"extends": "a.json"}"#)
        #expect(throws: SpecError(file: "Ablations/b.json", issues: [
            SpecIssue(path: "extends", .extendsCycle(chain: ["Ablations/a.json", "Ablations/b.json", "Ablations/a.json"]))])) {
            _ = try SpecLoader(workingDirectory: dir.path).load("Ablations/a.json")
        }
    }

    @Test func extendsMayNotEscapeTheSpecFolder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("secret.json", "{}")
        try dir.write("Ablations/a.json", #"{"extends": "../secret.json"}"#)
        #expect(throws: SpecError(file: "Ablations/a.json", issues: [
            SpecIssue(path: "extends", .pathEscapes(path: "../secret.json", root: "Ablations"))])) {
            _ = try SpecLoader(workingDirectory: dir.path).load("Ablations/a.json")
        }
    }

    @Test func pathsResolveCaseInsensitivelyAndMissingFilesSuggest() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/fiam_vs_coarse.json", Fixtures.alignmentSpec)
        let spec = try SpecLoader(workingDirectory: dir.path).load("ablations/fiam_vs_coarse.json")
        #expect(spec.file == "Ablations/fiam_vs_coarse.json")
        #expect(spec.name == "fiam_vs_coarse")
        #expect(throws: SpecError(file: "ablations/fiam_vs_corse.json", issues: [
            SpecIssue(path: "", .fileNotFound(path: "ablations/fiam_vs_corse.json", suggestion: "fiam_vs_coarse.json"))])) {
            _ = try SpecLoader(workingDirectory: dir.path).load("ablations/fiam_vs_corse.json")
        }
    }

    @Test func syntaxErrorsNameFileLineAndColumn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/bad.json", "{\n  \"seeds\": [0, 1,]\n}")
        #expect {
            _ = try SpecLoader(workingDirectory: dir.path).load("Ablations/bad.json")
        } throws: { error in
            (error as? SpecError)?.description == "Ablations/bad.json: invalid JSON at line 2, column 18: unexpected character ']'; "
                + "expected a value (object, array, string, number, true, false or null). Nothing was run."
        }
    }
}

struct OverrideTests {
    @Test(arguments: [
        ("train.epochs=2", #"{"seeds":[0],"train":{"epochs":2,"lr":0.1}}"#),
        ("train.lr=1e-3", #"{"seeds":[0],"train":{"epochs":10,"lr":0.001}}"#),
        ("seeds=[3,4]", #"{"seeds":[3,4],"train":{"epochs":10,"lr":0.1}}"#),
        ("seeds.0=9", #"{"seeds":[9],"train":{"epochs":10,"lr":0.1}}"#),
        ("model.alignment=fiam", #"{"model":{"alignment":"fiam"},"seeds":[0],"train":{"epochs":10,"lr":0.1}}"#),
        ("train.checkpoint=last", #"{"seeds":[0],"train":{"checkpoint":"last","epochs":10,"lr":0.1}}"#),
    ])
    func setsDottedPathsWithJSONTypedValues(text: String, expected: String) throws {
        let doc = try JSONParser.parse(#"{"train": {"epochs": 10, "lr": 0.1}, "seeds": [0]}"#)
        #expect(CanonicalJSON.render(try Override(parsing: text).apply(to: doc)) == expected)
    }

    @Test func badOverridesExplainThemselves() throws {
        let doc = try JSONParser.parse(#"{"train": {"epochs": 10}, "seeds": [0]}"#)
        #expect(throws: SpecIssue(path: "train.epochs", .invalidOverride(text: "train.epochs.x=1", reason: "train.epochs is an integer, which has no key \"x\""))) {
            _ = try Override(parsing: "train.epochs.x=1").apply(to: doc)
        }
        #expect(throws: SpecIssue(path: "seeds.3", .invalidOverride(text: "seeds.3=1", reason: "seeds is a list of 1; \"3\" is not an index in 0..<1"))) {
            _ = try Override(parsing: "seeds.3=1").apply(to: doc)
        }
        #expect(throws: SpecIssue(path: "", .invalidOverride(text: "epochs", reason: "expected KEY=VALUE, e.g. train.epochs=2"))) {
            _ = try Override(parsing: "epochs")
        }
    }
}

struct SpecDocumentTests {
    @Test func shorthandChoicesAcceptParameterOverrides() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/a.json", Fixtures.alignmentSpec)
        let spec = try SpecLoader(workingDirectory: dir.path).load("Ablations/a.json", overrides: ["model.scale.params.blocks=3"])
        #expect(try spec.cells[0].model[.scale].params.int("blocks") == 3)
        // Shorthand and object spellings of the same choice hash alike.
        try dir.write("Ablations/b.json", Fixtures.alignmentSpec.replacingOccurrences(of: #""decoder": "lavt""#, with: #""decoder": {"name": "lavt"}"#))
        let a = try SpecLoader(workingDirectory: dir.path).load("Ablations/a.json", overrides: ["name=x"])
        let b = try SpecLoader(workingDirectory: dir.path).load("Ablations/b.json", overrides: ["name=x"])
        #expect(a.specHash == b.specHash)
    }

    @Test func changingAComponentInAnExtendingSpecDropsTheInheritedParameters() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/base.json", Fixtures.alignmentSpec.replacingOccurrences(
            of: #""backbone": "swin""#, with: #""backbone": {"name": "swin", "params": {"heads": [2, 2, 4, 8], "window": 8}}"#))
        try dir.write("Ablations/same.json", #"{"extends": "base.json", "model": {"backbone": {"name": "swin", "params": {"window": 2}}}}"#)
        try dir.write("Ablations/other.json", #"{"extends": "base.json", "model": {"backbone": {"name": "resnet"}}}"#)
        let same = try SpecLoader(workingDirectory: dir.path).load("Ablations/same.json")
        #expect(try same.baseModel[.backbone].params.ints("heads") == [2, 2, 4, 8])   // same component: params merge
        #expect(try same.baseModel[.backbone].params.int("window") == 2)
        let other = try SpecLoader(workingDirectory: dir.path).load("Ablations/other.json")
        #expect(other.baseModel[.backbone].name == "resnet")                          // no "heads"/"window" leaked in
    }
}
