import Testing
@testable import Declarations
import RRSISModels

struct RegistryTests {
    /// The paper's components are registered (others may be added: this checks presence, not the whole list).
    @Test func standardCatalogueHasThePapersComponents() {
        let r = Registry.standard
        let papers: [ComponentSlot: [String]] = [.backbone: ["swin", "resnet"], .text: ["transformer"], .alignment: ["coarse", "fiam"],
                                                 .scale: ["none", "fpn", "tmem"], .decoder: ["lavt"]]
        for (slot, names) in papers { #expect(Set(names).isSubset(of: r.names(for: slot)), "\(slot)") }
        // The registry is the catalogue's declarations, slot by slot in list order.
        let catalogue = ModelCatalog.standard
        #expect(r.names(for: .alignment) == catalogue.alignments.map(\.name))
        #expect(r.names(for: .scale) == catalogue.scales.map(\.name))
        #expect(r.declaration(.alignment, "fiam")?.parameters.first == .bool("spatial", default: true, doc: "keep the spatial-position branch (false removes it and nothing else)"))
        #expect(r.declaration(.scale, "tmem")?.parameters.first?.type == .int(1...4))
    }

    @Test func typedGettersReadResolvedValuesAndRejectMismatches() throws {
        let (params, issues) = ComponentParams.resolve(try JSONParser.parse(#"{"blocks": 3}"#), against: Components.tmem.declaration.parameters,
                                                       at: "model.scale.params", owner: "scale tmem")
        #expect(issues.isEmpty)
        #expect(try params.int("blocks") == 3)
        #expect(try params.double("blocks") == 3.0)
        #expect(throws: RegistryError.parameterType(owner: "scale tmem", name: "blocks", requested: "a boolean", actual: "3")) { try params.bool("blocks") }
        #expect(throws: RegistryError.missingParameter(owner: "scale tmem", name: "depth", available: ["blocks", "mlpInit"])) { try params.int("depth") }
    }

    @Test func stringAndObjectChoicesResolveAlike() throws {
        let (a, _) = Registry.standard.resolve(.alignment, .string("fiam"), at: "model.alignment")
        let (b, _) = Registry.standard.resolve(.alignment, try JSONParser.parse(#"{"name": "fiam", "params": {"spatial": true}}"#), at: "model.alignment")
        #expect(a != nil && a == b)
        #expect(a?.label(against: Components.fiam.declaration) == "fiam")
        let (c, _) = Registry.standard.resolve(.alignment, try JSONParser.parse(#"{"name": "fiam", "params": {"spatial": false}}"#), at: "x")
        #expect(c?.label(against: Components.fiam.declaration) == "fiam(spatial=false)")
    }

    @Test func aNameTheCatalogueLacksIsReportedNotBuilt() throws {
        var model = ModelConfig([:])
        for slot in ComponentSlot.allCases { model.choices[slot] = Registry.standard.declarations(for: slot)[0].defaultChoice }
        model.choices[.scale]?.name = "aspp"
        #expect(throws: RegistryError.unregistered(slot: .scale, name: "aspp", registered: ModelCatalog.standard.scales.map(\.name))) {
            try ModelCatalog.standard.segmenter(model, vocabulary: 10, seed: 0)
        }
    }

    @Test func listingShowsEveryComponentAndParameter() {
        let text = Registry.standard.listing()
        for d in Registry.standard.declarations {
            #expect(text.contains("  \(d.name) — \(d.doc)"))
            for p in d.parameters { #expect(text.contains("      \(p.name): ")) }
        }
        #expect(text.contains("      blocks: an integer in 1…4; default 1 — stacked enhancement blocks"))
        #expect(text.contains("      dims: a list of 4 integers each in 8…2048; default [32,64,128,256] — channels of the four stages"))
    }
}
