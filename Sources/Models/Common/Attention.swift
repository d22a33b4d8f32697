import NN
import TensorCore

/// Multi-head attention over projected queries `[B, Lq, D]` and keys/values `[B, Lk, D]`:
/// heads are strided views (no copies), `softmax(q·kᵀ/√dh + mask)·v`, heads merged back to
/// `[B, Lq, D]`. `mask` is additive and broadcasts to `[B, H, Lq, Lk]`.
func multiHeadAttention(
    query: Tensor, key: Tensor, value: Tensor, heads: Int, mask: Tensor?, dropout: Double, training: Bool
) throws -> Tensor {
    let q = try splitHeads(query, heads: heads)  // [B, H, Lq, dh]
    let k = try splitHeads(key, heads: heads)  // [B, H, Lk, dh]
    let v = try splitHeads(value, heads: heads)
    let o = try scaledDotProductAttention(query: q, key: k, value: v, mask: mask, dropout: dropout, training: training)
    return try mergeHeads(o)  // [B, Lq, D]
}

/// The additive key-padding mask `[B, 1, 1, L]` of a `[B, L]` 0/1 `attention_mask`: 0 where
/// kept, `dropValue` where masked (Hugging Face uses float32's minimum, UNITER −10000).
func paddingMask(
    _ attentionMask: Tensor, length: Int, batch: Int, model: String,
    dropValue: Double = -Double(Float.greatestFiniteMagnitude)
) throws -> Tensor {
    guard attentionMask.shape == [batch, length] else {
        throw ModelError.input(
            "\(model): attention_mask must be [\(batch), \(length)] like the input, got \(attentionMask.shape)")
    }
    return try additiveMask(from: attentionMask, dropValue: dropValue)
}
