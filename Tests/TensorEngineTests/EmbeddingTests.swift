import Testing
import TensorEngine
import TestSupport

struct EmbeddingTests {
    /// Row v of the table is [10v, 10v + 1, 10v + 2].
    let table = Tensor(shape: [4, 3], data: (0..<12).map { Float(($0 / 3) * 10 + $0 % 3) })

    @Test func looksUpRowsInIndexShape() throws {
        let y = try embedding([2, 0, 2, 3], shape: [2, 2], weight: table).validated()
        #expect(y.shape == [2, 2, 3])
        #expect(y.scalars == [20, 21, 22, 0, 1, 2, 20, 21, 22, 30, 31, 32])
        #expect(embedding([], shape: [0], weight: table).shape == [0, 3])
        #expect(embedding([1], shape: [], weight: table).scalars == [10, 11, 12])
    }

    @Test func gradientScatterAddsAndSkipsPadding() throws {
        let w = table.detached().requiringGrad()
        try embedding([2, 0, 2, 3], shape: [4], weight: w).sum().backward()
        #expect(w.grad?.scalars == [1, 1, 1, 0, 0, 0, 2, 2, 2, 1, 1, 1])
        w.zeroGrad()
        try embedding([2, 0, 2, 3], shape: [4], weight: w, paddingIndex: 2).sum().backward()
        #expect(w.grad?.scalars == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1])
        w.zeroGrad()
        try embedding([2, 0, 2, 3], shape: [4], weight: w, paddingIndex: -1).sum().backward()   // −1 is row 3
        #expect(w.grad?.scalars == [1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0])
    }

    @Test func finiteDifferences() throws {
        let result = try GradCheck.run([Fixtures.randn([5, 3], seed: 1)]) {
            embedding([4, 1, 1, 0, 3, 4], shape: [2, 3], weight: $0[0])
        }
        #expect(result.maxError < 3e-3, "\(result)")
    }

    @Test func outOfRangeIndicesAreErrorsNamingIndexAndV() {
        do {
            try embedding([0, 7], shape: [2], weight: table).validated()
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".contains("7") && "\(error)".contains("V = 4"))
        }
        #expect(throws: TensorError.self) { try embedding([-1], shape: [1], weight: table).validated() }
        #expect(throws: TensorError.self) { try embedding([0, 1], shape: [3], weight: table).validated() }
        #expect(throws: TensorError.self) { try embedding([0], shape: [1], weight: table, paddingIndex: 4).validated() }
        #expect(throws: TensorError.self) { try embedding([0], shape: [1], weight: Tensor.zeros([4])).validated() }
    }
}
