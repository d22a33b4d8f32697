import Testing
import TensorCore

@Suite("Views")
struct ViewTests {
    let x = try! Tensor.arange(0, 24, dtype: .float32).reshaped([2, 3, 4])

    @Test func viewsShareStorage() throws {
        for v in [
            try x.select(axis: 1, index: 2), try x.narrow(axis: 2, start: 1, length: 2), try x.permuted([2, 0, 1]),
            try x.transposed(0, 2), try x.unsqueezed(at: 1), try x.reshaped([6, 4]), try x.flattened(),
            try x[0].expanded(to: [5, 3, 4]),
        ] {
            #expect(v.storage === x.storage)
        }
    }

    @Test func selectNarrowValues() throws {
        #expect(try x.select(axis: 1, index: 2).scalars == [8, 9, 10, 11, 20, 21, 22, 23])
        #expect(try x.select(axis: -1, index: -1).scalars == [3, 7, 11, 15, 19, 23])
        #expect(
            try x.narrow(axis: 2, start: 1, length: 2).select(axis: 0, index: 1).scalars == [13, 14, 17, 18, 21, 22])
    }

    @Test func permuteAndContiguous() throws {
        let p = try x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3] && !p.isContiguous)
        #expect(p.contiguous().isContiguous)
        #expect(try p.select(axis: 0, index: 1).scalars == [1, 5, 9, 13, 17, 21])
    }

    @Test func reshapeViewsWhenPossibleAndCopiesOtherwise() throws {
        let t = try x.transposed(1, 2)  // [2, 4, 3], not contiguous
        #expect(try t.reshaped([2, 12]).storage !== x.storage)  // needs a copy
        #expect(throws: TensorError.self) { try t.viewed([2, 12]) }
        let n = try x.narrow(axis: 0, start: 1, length: 1)
        #expect(try n.viewed([3, 4]).storage === x.storage)
        #expect(try x.reshaped([-1, 8]).shape == [3, 8])
        #expect(throws: TensorError.self) { try x.reshaped([5, -1]) }
        #expect(throws: TensorError.self) { try x.reshaped([-1, -1]) }
    }

    @Test func expandRules() throws {
        let c = try Tensor(shape: [3, 1], scalars: [Float(1), 2, 3])
        #expect(
            try c.expanded(to: [2, 3, 4]).scalars == [
                1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
            ])
        #expect(throws: TensorError.self) { try c.expanded(to: [3, 2, 4]) }
        #expect(try c.expanded(to: [-1, 5]).shape == [3, 5])
    }

    @Test func errorsNameOpAndShapes() throws {
        do { _ = try x + Tensor.zeros([5]); Issue.record("accepted") } catch let e as TensorError {
            #expect(e.description == "add: shapes [2, 3, 4] and [5] cannot be broadcast together")
        }
        do { _ = try x.matmul(Tensor.zeros([3, 2])); Issue.record("accepted") } catch let e as TensorError {
            #expect(e.description.contains("matmul: shapes [2, 3, 4] and [3, 2] cannot be multiplied"))
        }
        #expect(throws: TensorError.self) { try x.select(axis: 3, index: 0) }
        #expect(throws: TensorError.self) { try x.select(axis: 0, index: 2) }
        #expect(throws: TensorError.self) { try x.narrow(axis: 0, start: 1, length: 2) }
        #expect(throws: TensorError.self) { try x.permuted([0, 0, 1]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [Float(1)]) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e30) }
    }
}

extension Tensor {
    /// `x[i]` for tests.
    subscript(_ i: Int) -> Tensor { try! select(axis: 0, index: i) }
}
