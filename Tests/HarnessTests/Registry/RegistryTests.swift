import Testing
@testable import Harness

struct RegistryTests {
    @Test func standardCatalogueHasTheIssuesComponents() {
        let r = Registry.standard
        #expect(r.names(for: .backbone) == ["swin", "resnet"])
        #expect(r.names(for: .text) == ["transformer"])
        #expect(r.names(for: .alignment) == ["coarse", "fiam"])
        #expect(r.names(for: .scale) == ["none", "fpn", "tmem"])
        #expect(r.names(for: .decoder) == ["lavt"])
        #expect(r.declaration(.alignment, "fiam")?.parameters.first == .bool("spatial", default: true, doc: "keep the spatial-position branch (false removes it and nothing else)"))
        #expect(r.declaration(.scale, "tmem")?.parameters.first?.type == .int(1...4))
    }

    @Test func typedGettersReadResolvedValuesAndRejectMismatches() throws {
        let (params, issues) = ComponentParams.resolve(try JSONParser.parse(#"{"blocks": 3}"#), against: ComponentDeclaration.tmem.parameters,
                                                       at: "model.scale.params", owner: "scale tmem")
        #expect(issues.isEmpty)
        #expect(try params.int("blocks") == 3)
        #expect(try params.double("blocks") == 3.0)
        #expect(throws: RegistryError.parameterType(owner: "scale tmem", name: "blocks", requested: "a boolean", actual: "3")) { try params.bool("blocks") }
        #expect(throws: RegistryError.missingParameter(owner: "scale tmem", name: "depth", available: ["blocks"])) { try params.int("depth") }
    }

    @Test func stringAndObjectChoicesResolveAlike() throws {
        let (a, _) = Registry.standard.resolve(.alignment, .string("fiam"), at: "model.alignment")
        let (b, _) = Registry.standard.resolve(.alignment, try JSONParser.parse(#"{"name": "fiam", "params": {"spatial": true}}"#), at: "model.alignment")
        #expect(a != nil && a == b)
        #expect(a?.label(against: .fiam) == "fiam")
        let (c, _) = Registry.standard.resolve(.alignment, try JSONParser.parse(#"{"name": "fiam", "params": {"spatial": false}}"#), at: "x")
        #expect(c?.label(against: .fiam) == "fiam(spatial=false)")
    }

    @Test func buildersAttachByNameAndReportGaps() throws {
        var builders = ComponentBuilders<Int, String>(slot: .scale)
        builders.register("tmem") { params, width in "TMEM(blocks: \(try params.int("blocks")), width: \(width))" }
        builders.register("aspp") { _, _ in "ASPP" }
        let (choice, _) = Registry.standard.resolve(.scale, .string("tmem"), at: "model.scale")
        #expect(try builders.build(choice!, 64) == "TMEM(blocks: 1, width: 64)")
        #expect(builders.mismatches(with: .standard) == [.noBuilder(slot: .scale, name: "fpn"), .noBuilder(slot: .scale, name: "none"),
                                                          .undeclared(slot: .scale, name: "aspp")])
        let (none, _) = Registry.standard.resolve(.scale, .string("none"), at: "model.scale")
        #expect(throws: RegistryError.noBuilder(slot: .scale, name: "none")) { try builders.build(none!, 64) }
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
