import NN
import TensorCore

// The pieces every transformer encoder here is built from: attention, the feed-forward block,
// the layer loop that records hidden states, and the token and patch embeddings.

// MARK: - Attention and feed-forward

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

/// The four projections of a self-attention block and the attention over them:
/// `output(MHA(query(x), key(x), value(x)))`. Each layer registers the Linears under its
/// checkpoint's names (`attention.self.query`, `self_attn.q_proj`, …).
struct SelfAttention {
    let query: Linear, key: Linear, value: Linear, output: Linear
    let heads: Int
    /// Dropout on the attention probabilities (training only).
    let dropout: Double

    /// D → D projections built in the order query, key, value, output (the order their initial
    /// weights are drawn in); `qkvBias` false leaves the first three without bias.
    init(width d: Int, heads: Int, dropout: Double, qkvBias: Bool = true) {
        let (query, key, value) = (
            Linear(d, d, bias: qkvBias), Linear(d, d, bias: qkvBias), Linear(d, d, bias: qkvBias)
        )
        self.init(query: query, key: key, value: value, output: Linear(d, d), heads: heads, dropout: dropout)
    }

    init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int, dropout: Double) {
        (self.query, self.key, self.value, self.output) = (query, key, value, output)
        (self.heads, self.dropout) = (heads, dropout)
    }

    /// `x [B, L, D]` with an additive mask broadcasting to `[B, H, L, L]` (or nil) → `[B, L, D]`.
    func callAsFunction(_ x: Tensor, mask: Tensor?, training: Bool) throws -> Tensor {
        let context = try multiHeadAttention(
            query: query(x), key: key(x), value: value(x), heads: heads, mask: mask, dropout: dropout,
            training: training)
        return try output(context)
    }
}

/// The position-wise feed-forward block `down(act(up(x)))`, D → I → D.
struct FeedForward {
    let up: Linear, down: Linear
    let activation: Activation

    /// The two Linears, built in this order.
    init(width: Int, inner: Int, activation: Activation) {
        up = Linear(width, inner)
        down = Linear(inner, width)
        self.activation = activation
    }

    /// `[B, L, D]` → `[B, L, D]`.
    func callAsFunction(_ x: Tensor) throws -> Tensor { try down(activation(up(x))) }
}

// MARK: - The layer loop

/// Runs `layers` in order (`apply` calls one), recording each layer's input and the last output
/// in `hiddenStates`.
func runLayers<Layer: Module>(
    _ layers: ModuleList<Layer>, _ x: Tensor, hiddenStates: inout HiddenStates,
    _ apply: (Layer, Tensor) throws -> Tensor
) throws -> Tensor {
    var h = x
    for layer in layers.items {
        hiddenStates.append(h)
        h = try apply(layer, h)
    }
    hiddenStates.append(h)
    return h
}

/// Every encoder layer's input plus the last layer's output, collected when a call asks for
/// `output_hidden_states` (nil otherwise, so nothing is kept).
struct HiddenStates {
    private(set) var states: [Tensor]?

    init(enabled: Bool) { states = enabled ? [] : nil }

    mutating func append(_ x: Tensor) { states?.append(x) }

    /// Adds `<prefix>hidden_states.0` … `<prefix>hidden_states.<L>` to `outputs`, each passed
    /// through `shape` (which restores video axes).
    func write(into outputs: inout [String: Tensor], prefix: String = "", _ shape: (Tensor) throws -> Tensor = { $0 })
        throws
    {
        for (i, h) in (states ?? []).enumerated() { outputs["\(prefix)hidden_states.\(i)"] = try shape(h) }
    }
}

// MARK: - Embeddings

/// Looks up `ids` (int64, any shape) in `table` → `ids.shape + [D]`, with PyTorch's
/// `padding_idx` rule: positions holding `paddingIndex` take their row's value but send it no
/// gradient, so the padding row never trains.
func lookup(_ table: Embedding, _ ids: Tensor, paddingIndex: Int?, model: String, input: String) throws -> Tensor {
    guard ids.dtype == .int64 else { throw ModelError.input("\(model): \(input) must be int64 ids, got \(ids.dtype)") }
    let rows = table.weight.shape[0]
    if let bad = ids.toArray(of: Int64.self).first(where: { $0 < 0 || $0 >= rows }) {
        throw ModelError.input("\(model): \(input) holds \(bad), outside the table's \(rows) rows")
    }
    let e = try table(ids)
    guard let paddingIndex, e.requiresGrad else { return e }
    let isPadding = try ids.eq(Double(paddingIndex)).unsqueezed(at: -1)
    return try Tensor.where(isPadding, e.detached(), e)
}

/// A patch embedding — a convolution with kernel = stride = P — computed as one matrix product:
/// the image is cut into its P×P patches (one strided copy), each flattened in the conv weight's
/// `[C, P, P]` order, and multiplied by the weight viewed as `[D, C·P·P]`. The same sums as the
/// convolution (which takes one small product per image), in one large GEMM.
/// - Parameters:
///   - images: `[B, C, S, S]`, S a multiple of P.
///   - projection: the conv, weight `[D, C, P, P]`, optional bias `[D]`.
/// - Returns: `[B, N, D]`, patches in row-major order (N = (S/P)²).
func embedPatches(_ images: Tensor, _ projection: Conv2d) throws -> Tensor {
    let (b, c, s) = (images.shape[0], images.shape[1], images.shape[2])
    let (d, p) = (projection.weight.shape[0], projection.weight.shape[2])
    let g = s / p
    let patches = try images.reshaped([b, c, g, p, g, p]).permuted([0, 2, 4, 1, 3, 5])  // [B, gh, gw, C, P, P]
        .reshaped([b * g * g, c * p * p])
    let weight = try projection.weight.reshaped([d, c * p * p])
    return try patches.linear(weight: weight, bias: projection.bias).reshaped([b, g * g, d])
}
