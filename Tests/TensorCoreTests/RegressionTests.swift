import Testing
import TensorCore

/// Bugs found from the Lua side, each pinned by its smallest case.
@Suite("Regressions")
struct RegressionTests {
    /// vector · vector gave "squeeze: axis -2 is out of range" instead of the dot product.
    @Test func matmulOfTwoVectorsIsTheirDotProduct() throws {
        let a = try Tensor(shape: [2], scalars: [Float(1), 2]), b = try Tensor(shape: [2], scalars: [Float(3), 4])
        let y = try a.matmul(b)
        #expect(y.shape == [])
        #expect(try y.item() == 11)
        let m = try Tensor(shape: [2, 2], scalars: [Float(1), 2, 3, 4])
        #expect(try a.matmul(m).shape == [2])
        #expect(try m.matmul(a).shape == [2])
    }

    /// max, min and the arg-reductions of int64 went through float32 and lost exactness.
    @Test func int64ReductionsStayExact() throws {
        let big = Int64(1) << 40
        let t = try Tensor(shape: [3], scalars: [big, big + 1, 7])
        #expect(try t.amax().dtype == .int64)
        #expect(try t.amax().toArray(of: Int64.self) == [big + 1])
        #expect(try t.amin().toArray(of: Int64.self) == [7])
        #expect(try t.argmax().toArray(of: Int64.self) == [1])
        #expect(try t.max(axis: 0).values.toArray(of: Int64.self) == [big + 1])
        let flags = try Tensor(shape: [3], scalars: [true, false, true])
        #expect(try flags.sum().toArray(of: Int64.self) == [2])
    }

    /// full(-0.0) gave +0.0: -0 compares equal to 0, so the fill was skipped.
    @Test func fullKeepsNegativeZero() {
        #expect(Tensor.full([2], -0.0).toArray(of: Float.self).allSatisfy { $0 == 0 && $0.sign == .minus })
    }
}
