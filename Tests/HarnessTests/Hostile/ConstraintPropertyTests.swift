import Foundation
import NN
import Testing
@testable import Harness
@testable import Declarations
@testable import Experiment
@testable import Runner
import RRSISModels

/// Property: any spec drawn from the registered components' declared parameters — values inside their
/// ranges, on the bounds and just outside them — either validates, plans and builds its models without a
/// crash, or is rejected with issues that each name a key. Seeded and bounded in time (CI: well under a
/// minute); a trap inside a model constructor would abort the whole test process.
@Suite struct ConstraintPropertyTests {
    static let budget = 15.0   // seconds

    @Test func randomSpecsValidateAndBuildOrNameAKey() throws {
        var random = FuzzRandom(state: 0xC0FF_EE18)
        var drawn = 0, valid = 0, built = 0, forwarded = 0, brokenRules = 0
        let start = now()
        while now() - start < Self.budget || drawn < 40 {
            drawn += 1
            let document = SpecDraw.document(&random)
            switch SpecValidator().validate(document, name: "drawn", file: "drawn.json") {
            case .failure(let error):
                for issue in error.issues {
                    #expect(!issue.path.isEmpty, "an issue names no key: \(issue) in \(document.jsonText)")
                    if case let .constraint(keys, _, _, _) = issue.problem {
                        brokenRules += 1
                        #expect(keys.count == 2 && keys.allSatisfy { issue.sentence.contains($0) }, "\(issue)")
                    }
                }
            case .success(let spec):
                valid += 1
                let plan = Plan(spec)
                #expect(plan.runs.count == spec.cells.count * spec.seeds.count)
                _ = PlanRenderer().render(plan, statuses: [:])
                for cell in spec.cells {
                    let weights = SpecDraw.weightEstimate(cell.model)
                    if weights < 400_000, (try? spec.dataset.params.int("imageSize")) ?? 64 <= 128 {
                        // Build and run one forward pass at the spec's image size, as `ablate plan` does.
                        let estimate = RunEstimates.macs(spec)(cell)
                        #expect(estimate?.macs ?? 0 > 0, "valid cell \(cell.name) did not build and run: \(cell.model.json.jsonText)")
                        forwarded += 1
                    } else if weights < 2_000_000 {
                        _ = try ModelCatalog.standard.segmenter(cell.model, vocabulary: 50, seed: 0)
                        built += 1
                    }
                }
            }
        }
        print("ConstraintPropertyTests: \(drawn) specs drawn, \(valid) valid, \(forwarded) models built and run, \(built) built, \(brokenRules) broken rules reported")
        #expect(valid >= drawn / 10, "too few valid specs drawn (\(valid) of \(drawn))")
        #expect(forwarded + built >= valid / 3, "too few models built (\(forwarded) run, \(built) built, of \(valid) valid)")
        #expect(brokenRules > 0, "no draw broke a declared rule")
    }

    /// A declared rule is checked for each variant, and building from parameters that break it throws
    /// (naming the rule) instead of trapping in a constructor.
    @Test func everyDeclaredRuleIsCheckedBeforeAnyModelIsBuilt() throws {
        let bad = try Fixtures.alignment(editing: {
            try $0.set("variants.rows.1.model.text", #"{"name": "transformer", "params": {"dim": 30, "heads": 4}}"#)
                .set("model.backbone", #"{"name": "swin", "params": {"heads": [1, 3, 4, 8]}}"#)
        })
        let issues = Fixtures.issues(bad)
        #expect(issues.map(\.path) == ["model.backbone.params.heads", "variants"])
        #expect(issues.first?.problem == .constraint(keys: ["model.backbone.params.heads", "model.backbone.params.dims"],
                                                     rule: "each entry of heads must divide the same entry of dims (stage by stage)",
                                                     found: "at stage 2, heads 3 does not divide dims 64 (heads [1, 3, 4, 8], dims [32, 64, 128, 256])",
                                                     variant: nil))
        #expect(issues.last?.sentence == "in variant \"FIAM w/o spatial\", heads 4 does not divide dim 30; heads must divide dim. "
                + "Change model.text.params.heads or model.text.params.dim.")

        var model = try Fixtures.alignment().baseModel
        model.choices[.text] = ComponentChoice(slot: .text, name: "transformer", params: ComponentParams(
            ["dim": .int(30), "layers": .int(1), "heads": .int(4), "maxLength": .int(8)], owner: "text transformer"))
        #expect(throws: RegistryError.brokenConstraint(slot: .text, name: "transformer", rule: "heads must divide dim",
                                                       found: "heads 4 does not divide dim 30")) {
            _ = try ModelCatalog.standard.segmenter(model, vocabulary: 10, seed: 0)
        }
    }

    /// The classification Swin's window rule needs windows that tile every stage map wider than them; the
    /// default detection-style rule pads maps to a window multiple, so any window is valid.
    @Test(arguments: [(96, 4, false), (96, 3, true), (96, 6, true), (64, 4, true), (64, 3, false), (128, 16, true), (160, 4, false)])
    func swinWindowMustTileEveryStageMap(imageSize: Int, window: Int, valid: Bool) throws {
        for rule in ["classification", "detection"] {
            let result = try Fixtures.alignment(editing: {
                try $0.set("dataset.imageSize", "\(imageSize)")
                    .set("model.backbone", #"{"name": "swin", "params": {"window": \#(window), "windowRule": "\#(rule)"}}"#)
            })
            let issues = Fixtures.issues(result)
            let expected = valid || rule == "detection"
            #expect(issues.isEmpty == expected, "\(rule): \(issues)")
            if !expected {
                #expect(issues.first?.path == "model.backbone.params.window" && "\(issues[0])".contains("dataset.imageSize")
                        && "\(issues[0])".contains(#"unless windowRule is "detection""#), "\(issues)")
            }
        }
    }

    @Test func listingPrintsTheRules() {
        let text = Registry.standard.listing()
        #expect(text.contains("      rule: heads must divide dim"))
        #expect(text.contains("      rule: each entry of heads must divide the same entry of dims (stage by stage)"))
    }
}

/// Draws spec documents from the registry's declarations. Half the documents are drawn in range (they
/// can still break a rule between parameters); in the other half any value may fall just outside its
/// range — so the share of valid documents does not shrink as components declare more parameters.
enum SpecDraw {
    static func document(_ r: inout FuzzRandom) -> JSONValue {
        let clean = r.below(2) == 0
        let imageSizes = [64, 96, 128, 160, 256]
        let imageSize: JSONValue = !clean && r.below(10) == 0 ? .int([63, 65, 100, 1056, 0][r.below(5)]) : .int(imageSizes[r.below(imageSizes.count)])
        let dataset = JSONValue.object([("name", .string("synthetic")), ("imageSize", imageSize), ("train", .int(4)), ("val", .int(2)), ("test", .int(2))])
        let model = JSONValue.object(ComponentSlot.allCases.map { ($0.rawValue, choice($0, &r, clean: clean)) })
        var rows: [JSONValue] = [.object([("name", .string("base"))])]
        if r.below(2) == 0 {
            let slot = ComponentSlot.allCases[r.below(ComponentSlot.allCases.count)]
            rows.append(.object([("name", .string("other")), ("model", .object([(slot.rawValue, choice(slot, &r, clean: clean))]))]))
        }
        return .object([("dataset", dataset), ("model", model), ("train", .object([("epochs", .int(1)), ("batchSize", .int(2))])),
                        ("seeds", .array([.int(0)])), ("variants", .object([("rows", .array(rows))]))])
    }

    /// A registered component of `slot` with some of its parameters drawn (all in range when `clean`).
    static func choice(_ slot: ComponentSlot, _ r: inout FuzzRandom, clean: Bool = false) -> JSONValue {
        let declarations = Registry.standard.declarations(for: slot)
        let d = declarations[r.below(declarations.count)]
        let params = d.parameters.filter { _ in r.below(3) != 0 }.map { ($0.name, value($0.type, &r, clean: clean)) }
        return .object([("name", .string(d.name)), ("params", .object(params))])
    }

    /// Mostly small in-range values (models that build in a moment), sometimes a bound, sometimes (unless
    /// `clean`) just outside.
    static func value(_ type: ParameterType, _ r: inout FuzzRandom, clean: Bool = false) -> JSONValue {
        switch type {
        case .bool: return .bool(r.below(2) == 0)
        case .int(let range): return .int(int(range, &r, outside: clean ? false : nil))
        case .double(let range):
            let lo = range?.lowerBound ?? 0, hi = min(range?.upperBound ?? 1, 1e6)
            switch clean ? 2 + r.below(28) : r.below(30) {
            case 0: return .double(lo - 1)
            case 1: return .double(hi * 2 + 1)
            default: return .double(lo + (hi - lo) * Double(r.below(1000)) / 1000)
            }
        case .choice(let values): return .string(!clean && r.below(30) == 0 ? "not-a-choice" : values[r.below(values.count)])
        case .string: return .string("drawn")
        case let .intList(count, element):
            var n = count ?? (1 + r.below(4))
            if !clean && r.below(20) == 0 { n += r.below(2) == 0 ? 1 : -1 }   // a wrong length
            var items = (0..<max(n, 0)).map { _ in int(element, &r, outside: false) }
            if !clean, !items.isEmpty, r.below(20) == 0 { items[r.below(items.count)] = int(element, &r, outside: true) }
            return .array(items.map { .int($0) })
        }
    }

    /// In `range`: mostly small values, sometimes a bound; with `outside`, just below or above it.
    static func int(_ range: ClosedRange<Int>?, _ r: inout FuzzRandom, outside: Bool? = nil) -> Int {
        let lo = range?.lowerBound ?? 0, hi = range?.upperBound ?? 1000
        if outside ?? (r.below(20) == 0) { return r.below(2) == 0 || hi == Int.max ? lo - 1 : hi + 1 }
        switch r.below(20) {
        case 0: return hi
        case 1: return lo
        default: return lo + r.below(min(hi - lo, max(lo, 3) * 4) + 1)
        }
    }

    /// A rough weight count of a model: Σ over components of width² × depth (width: the largest `dim…`/`width`
    /// parameter, depth: the sum of `depth…`/`layers`/`blocks` parameters), to skip building giant draws.
    static func weightEstimate(_ model: ModelConfig) -> Int {
        model.choices.values.reduce(0) { total, choice in
            var width = 16, depth = 1
            for (name, value) in choice.params.values {
                let ints: [Int]
                switch value { case .int(let i): ints = [i]; case .intList(let l): ints = l; default: continue }
                if name.lowercased().contains("dim") || name.lowercased().contains("width") { width = max(width, ints.max() ?? 0) }
                if ["depths", "layers", "blocks"].contains(name) { depth = max(depth, ints.reduce(0, +)) }
            }
            return total + width * width * depth * 12
        }
    }
}

/// The spec-level rule beside the component rules: variants share the base model's token length.
struct TokenLengthRuleTests {
    @Test func aVariantCannotChangeTheTokenLength() throws {
        let result = try Fixtures.alignment {
            try $0.set("variants.rows.2.model.text", #"{"name": "transformer", "params": {"maxLength": 12}}"#)
        }
        let issues = Fixtures.issues(result)
        #expect(issues.map(\.path) == ["variants"])
        #expect(issues.first?.sentence == "in variant \"FIAM\", maxLength 12 differs from the base model's 20; every variant tokenises "
                + "expressions at the base model's maxLength (the data is prepared once per spec). Change model.text.params.maxLength or variants.")
        let same = try Fixtures.alignment {
            try $0.set("variants.rows.2.model.text", #"{"name": "transformer", "params": {"maxLength": 20, "layers": 3}}"#)
        }
        #expect(Fixtures.issues(same).isEmpty)
    }
}
