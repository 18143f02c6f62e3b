import Foundation
import RRSISData
import Testing
@testable import Declarations
@testable import Experiment
import RRSISModels

@Suite("Controls")
struct ControlsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func shippedControlsSpecAddsThreeControlRowsOfTheBaselineModelWithTheirOwnRunKeys() throws {
        let spec = try SpecLoader(workingDirectory: Self.root).load("Ablations/controls.json")
        #expect(spec.cells.map(\.name) == ["FIAM", "Control: text-blind", "Control: shuffled-text", "Control: position-blind"])
        #expect(spec.cells.map(\.control) == [nil, .textBlind, .shuffledText, .positionBlind])
        #expect(spec.cells.map(\.index) == [0, 1, 2, 3])
        #expect(spec.cells.allSatisfy { $0.model == spec.cells[0].model })
        let plan = Plan(spec)
        #expect(Set(plan.runs.map(\.runKey)).count == 12)
        #expect(plan.runs[3].config.contains(#""control":"text-blind""#))
        // The baseline's key is the one it has in a spec without controls: adding controls retrains nothing.
        let plain = try SpecLoader(workingDirectory: Self.root).load("Ablations/controls.json", overrides: ["controls=null"])
        #expect(Plan(plain).runs.map(\.runKey) == Array(plan.runs.prefix(3)).map(\.runKey))
    }

    @Test func badControlsAreNamedWithTheirPathAndTheAllowedValues() throws {
        let issues = Fixtures.issues(try Fixtures.alignment { try $0.set("controls", #"["text-blind", "text-blnd", 3, "text-blind"]"#) })
        #expect(issues.map(\.path) == ["controls[1]", "controls[2]", "controls[3]"])
        let message = SpecError(file: "test.json", issues: issues).description
        #expect(message.contains("text-blnd") && message.contains("position-blind") && message.contains("text-blind"))
        #expect(Fixtures.issues(try Fixtures.alignment { try $0.set("controls", #""text-blind""#) }).map(\.path) == ["controls"])
        // A variant already named like a control row would make two rows of one name.
        let clash = Fixtures.issues(try Fixtures.alignment {
            try $0.set("controls", #"["text-blind"]"#).set("variants.rows.2.name", #""Control: text-blind""#)
        })
        #expect(clash.map(\.path) == ["controls[0]"])
    }

    static func samples(_ expressions: [String]) -> [RRSISSample] {
        expressions.enumerated().map { i, e in
            RRSISSample(id: "s\(i)", image: PixelImage(width: 1, height: 1, channels: 3), mask: [1], expression: e, split: .test,
                        tags: SampleTags(category: "ship"))
        }
    }

    @Test func controlsRewriteExpressionsOnly() {
        let decoupler = PhraseDecoupler(classList: ClassLists.synthetic)
        let s = Self.samples(["the ship on the left", "the large red vehicle next to the bridge", "the small ship", "a tank"])
        let blind = ExpressionControl.textBlind.apply(s, decoupler: decoupler, split: .test)
        #expect(blind.map(\.expression) == ["", "", "", ""] && blind.map(\.id) == s.map(\.id) && blind.map(\.tags) == s.map(\.tags))
        let noPosition = ExpressionControl.positionBlind.apply(s, decoupler: decoupler, split: .test)
        #expect(noPosition.map(\.expression) == ["the ship", "the large red vehicle", "the small ship", "a tank"])
        let shuffled = ExpressionControl.shuffledText.apply(s, decoupler: decoupler, split: .test)
        #expect(shuffled.map(\.expression).sorted() == s.map(\.expression).sorted())   // a permutation …
        #expect(zip(shuffled, s).allSatisfy { $0.expression != $1.expression })         // … where nobody keeps their own
        #expect(ExpressionControl.shuffledText.apply(s, decoupler: decoupler, split: .test) == shuffled)   // fixed
        let many = Self.samples((0..<50).map { "expression \($0)" })
        let a = ExpressionControl.shuffledText.apply(many, decoupler: decoupler, split: .test)
        #expect(zip(a, many).allSatisfy { $0.expression != $1.expression })
        #expect(ExpressionControl.shuffledText.apply(many, decoupler: decoupler, split: .train).map(\.expression) != a.map(\.expression))
    }
}
