// The layer options PyTorch has that nn.* passes on from Lua: batch_first, padding_idx.
import NN
import Testing
import TensorCore
import TestSupport

/// `batchFirst: false` (PyTorch's default `[L, B, D]` layout) computes what the batch-first layer
/// computes on the transposed input, with the same parameters.
@Suite struct SequenceLayoutTests {
    @Test func multiheadAttentionSequenceFirst() throws {
        let first = MultiheadAttention(embedDim: 8, heads: 2, generator: RandomGenerator(seed: 1))
        let second = MultiheadAttention(embedDim: 8, heads: 2, batchFirst: false, generator: RandomGenerator(seed: 1))
        let q = Tensor.randn([3, 5, 8], generator: RandomGenerator(seed: 2))  // [B, Lq, D]
        let kv = Tensor.randn([3, 4, 8], generator: RandomGenerator(seed: 3))  // [B, Lk, D]
        let expected = try first(query: q, key: kv, value: kv)
        let actual = try second(query: q.transposed(0, 1), key: kv.transposed(0, 1), value: kv.transposed(0, 1))
        #expect(actual.shape == [5, 3, 8])
        #expect(relativeError(try actual.transposed(0, 1), expected) < 1e-6)
        #expect(second.summaryDetail.hasSuffix("batch_first=false"))
    }

    @Test func encoderLayerSequenceFirst() throws {
        let first = TransformerEncoderLayer(
            dModel: 8, heads: 2, feedForward: 16, dropout: 0, generator: RandomGenerator(seed: 4))
        let second = TransformerEncoderLayer(
            dModel: 8, heads: 2, feedForward: 16, dropout: 0, batchFirst: false,
            generator: RandomGenerator(seed: 4))
        let x = Tensor.randn([2, 6, 8], generator: RandomGenerator(seed: 5))  // [B, L, D]
        let actual = try second(x.transposed(0, 1))
        #expect(actual.shape == [6, 2, 8])
        #expect(relativeError(try actual.transposed(0, 1), try first(x)) < 1e-6)
        #expect(first.namedParameters().map(\.name) == second.namedParameters().map(\.name))
    }
}

/// `paddingIndex` (PyTorch's `padding_idx`): the row starts at zero and never receives gradient.
@Suite struct EmbeddingPaddingTests {
    @Test func paddingRowIsZeroAndGetsNoGradient() throws {
        let table = Embedding(5, 3, paddingIndex: 1, generator: RandomGenerator(seed: 6))
        #expect(try table.weight.select(axis: 0, index: 1).toArray(of: Float.self) == [0, 0, 0])
        let ids = try Tensor(shape: [2, 3], scalars: [Int64(1), 2, 1, 4, 1, 0])
        let out = try table(ids)
        #expect(out.shape == [2, 3, 3])
        try (out * out + out).sum().backward()
        let grad = try #require(table.weight.grad)
        #expect(try grad.select(axis: 0, index: 1).toArray(of: Float.self) == [0, 0, 0])
        #expect(try grad.select(axis: 0, index: 2).toArray(of: Float.self).allSatisfy { $0 != 0 })
        #expect(table.summaryDetail == "5, 3, padding_idx=1")
    }
}
