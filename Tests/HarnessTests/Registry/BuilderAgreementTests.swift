import Testing
@testable import Harness

/// Every declared component has a builder and every builder a declaration, slot by slot.
struct BuilderAgreementTests {
    @Test func buildersMatchTheStandardDeclarations() {
        #expect(ModelBuilders.backbone.mismatches(with: .standard) == [])
        #expect(ModelBuilders.text.mismatches(with: .standard) == [])
        #expect(ModelBuilders.alignment.mismatches(with: .standard) == [])
        #expect(ModelBuilders.scale.mismatches(with: .standard) == [])
        #expect(ModelBuilders.decoder.mismatches(with: .standard) == [])
    }
}
