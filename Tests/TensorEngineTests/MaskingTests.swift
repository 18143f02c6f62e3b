import Testing
import TensorEngine
import TestSupport

struct MaskingTests {
    @Test func fillsWhereTheBroadcastMaskIsNonzero() throws {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let y = try maskedFill(x, mask: Tensor(shape: [1, 3], data: [0, 1, 0]), value: -9).validated()
        #expect(y.scalars == [1, -9, 3, 4, -9, 6])
        #expect(maskedFill(x, mask: Tensor(shape: [2, 3], data: [1, 0, 0, 0, 0, 2]), value: 0).scalars == [0, 2, 3, 4, 5, 0])
        #expect(maskedFill(x, mask: Tensor(1), value: 7).scalars == [7, 7, 7, 7, 7, 7])
    }

    @Test func attentionPaddingGivesZeroProbability() {
        // scores [B=2, H=2, Q=1, L=3]; mask [B, 1, 1, L] marks padded keys.
        let scores = Fixtures.randn([2, 2, 1, 3], seed: 1)
        let mask = Tensor(shape: [2, 1, 1, 3], data: [0, 0, 1, 0, 1, 1])
        let p = softmax(maskedFill(scores, mask: mask, value: -.infinity)).scalars
        #expect(p.allSatisfy { $0.isFinite })
        #expect(p[2] == 0 && p[5] == 0)
        #expect(p[7] == 0 && p[8] == 0 && p[6] == 1 && p[9] == 1)
    }

    @Test func gradientIsZeroAtFilledPositions() throws {
        let mask = Tensor(shape: [3, 1, 4], data: [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0])
        let result = try GradCheck.run([Fixtures.randn([3, 2, 4], seed: 2)]) { maskedFill($0[0], mask: mask, value: 0.5) }
        #expect(result.maxError < 3e-3, "\(result)")
        let x = Tensor.ones([3, 2, 4]).requiringGrad()
        try maskedFill(x, mask: mask, value: -.infinity).backward(gradient: Tensor.full([3, 2, 4], 3))
        let m = mask.scalars
        #expect(x.grad?.scalars == (0..<24).map { i in m[(i / 8) * 4 + i % 4] != 0 ? 0 : 3 })
    }

    @Test func unbroadcastableMaskIsAnErrorNamingBothShapes() {
        let x = Tensor.zeros([2, 3])
        do {
            try maskedFill(x, mask: Tensor.zeros([2]), value: 0).validated()
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[2]"))
        }
        // A mask may not enlarge the input.
        #expect(throws: TensorError.self) { try maskedFill(Tensor.zeros([3]), mask: Tensor.zeros([2, 3]), value: 0).validated() }
    }
}
