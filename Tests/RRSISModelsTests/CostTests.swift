import Testing
import NN
@testable import RRSISModels

struct ParameterCountTests {
    // Closed forms, with C visual channels, D word width, K = C key channels.
    static func sila(_ c: Int, _ d: Int) -> Int { 2 * c * c + 2 * d * c + 3 * c + c }   // q, k, v (with bias), out
    static func coarse(_ c: Int, _ d: Int) -> Int { 2 * (c * c + c) + sila(c, d) + 2 * c * c }
    static func spatialBranch(_ c: Int, _ d: Int) -> Int { sila(c, d) + 2 * 9 }     // 3×3 conv 2 → 1, no bias
    static func fiam(_ c: Int, _ d: Int, spatial: Bool) -> Int {
        let h = Swift.max(c / 8, 1)                                                  // channel gate C → C/8 → C
        return coarse(c, d) + sila(c, d) + 2 * c * c + (spatial ? spatialBranch(c, d) : 0) + (c * h + h) + (h * c + c)
    }

    @Test(arguments: [8, 16, 32])
    func alignmentModulesMatchTheirClosedForms(_ c: Int) {
        var rng = RNG(seed: 1)
        let d = 16
        #expect(SILA(visual: c, text: d, rng: &rng).parameterCount == Self.sila(c, d))
        #expect(CoarseAlignment(channels: c, textDim: d, rng: &rng).parameterCount == Self.coarse(c, d))
        let full = FIAM(channels: c, textDim: d, spatial: true, rng: &rng)
        let noSpatial = FIAM(channels: c, textDim: d, spatial: false, rng: &rng)
        #expect(full.parameterCount == Self.fiam(c, d, spatial: true))
        #expect(noSpatial.parameterCount == Self.fiam(c, d, spatial: false))
        // Removing the spatial branch removes exactly its parameters and nothing else.
        #expect(full.parameterCount - noSpatial.parameterCount == full.spatial!.parameterCount)
        #expect(full.spatial!.parameterCount == Self.spatialBranch(c, d))
    }

    @Test func scaleModulesMatchTheirClosedForms() {
        var rng = RNG(seed: 2)
        let dims = [8, 16, 24, 32], d = 16, total = 80, reduced = 20
        #expect(IdentityScale(channels: dims).parameterCount == 0)
        let width = 16
        let fpn = dims.map { $0 * width + width }.reduce(0, +) + 4 * (width * width * 9 + width)
        #expect(FeaturePyramid(channels: dims, width: width, rng: &rng).parameterCount == fpn)
        // TMEM: down 1×1, one block (2 LayerNorms, SILA, MLP ×2), BN, up 1×1, four scale-aware gates.
        let block = 2 * (2 * reduced) + Self.sila(reduced, d) + (reduced * 2 * reduced + 2 * reduced) + (2 * reduced * reduced + reduced)
        let gates = dims.map { 3 * $0 * $0 + 3 * 2 * $0 }.reduce(0, +)
        let tmem = (total * reduced + reduced) + block + 2 * reduced + (reduced * total + total) + gates
        #expect(TMEM(channels: dims, textDim: d, blocks: 1, rng: &rng).parameterCount == tmem)
        #expect(TMEM(channels: dims, textDim: d, blocks: 3, rng: &rng).parameterCount == tmem + 2 * block)
    }
}

struct MACCountTests {
    @Test func silaAndDecoderMACsMatchAHandCalculation() throws {
        let model = ModelFixtures.model(ModelFixtures.variant("coarse", scale: "none"))
        let (images, text) = ModelFixtures.inputs(batch: 1, size: 64)
        let counter = CostCounter()
        let logits = Cost.counting(into: counter) { withNoGrad { model(images, text) } }
        try logits.validated()
        // Stage 0 SILA: a 16×16 map (HW = 256), C = K = 8, D = 16, L = 6 words.
        let (hw, c, d, l) = (256, 8, 16, 6)
        let sila = hw * c * c            // query 1×1 conv
            + 2 * l * d * c              // key and value projections of the words
            + hw * c * l + hw * l * c    // Q·Kᵀ and attention·V
            + hw * c * c                 // output 1×1 conv
        #expect(counter.macs(under: "backbone.stages.0.align.sila") == sila)
        // Patch embedding: 4×4 stride-4 conv from 3 to 8 channels onto 16×16.
        #expect(counter.macs(under: "backbone.patchEmbed") == 16 * 16 * 8 * 3 * 16)
        // Decoder classifier: 1×1 conv 16 → 2 channels at stride 4.
        #expect(counter.macs(under: "decoder.classifier") == 16 * 16 * 2 * 16)
        // Every MAC is attributed to a component.
        let components = ["text", "backbone", "scale", "decoder"].map { counter.macs(under: $0) }.reduce(0, +)
        #expect(components == counter.totalMACs)
    }
}
