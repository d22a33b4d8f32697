import TensorCore

/// softmax(q·kᵀ·scale + mask)·v for `[B, H, Lq, dh]` queries and `[B, H, Lk, dh]` keys/values.
///
/// `mask` is additive and broadcasts to `[B, H, Lq, Lk]` (0 keeps, a large negative number
/// drops — Hugging Face uses the float32 minimum, UNITER −10000). Dropout applies to the
/// probabilities in training, as in BERT.
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil, scale: Double? = nil,
    dropout: Double = 0, training: Bool = false, generator: RandomGenerator = .shared
) throws -> Tensor {
    let dh = query.shape.last ?? 1
    let q = try query * (scale ?? 1 / Double(dh).squareRoot())
    var scores = try q.matmul(key.transposed(-1, -2))  // [B, H, Lq, Lk]
    if let mask { scores = try scores + mask }
    let probs = try scores.softmax(axis: -1).dropout(p: dropout, training: training, generator: generator)
    return try probs.matmul(value)  // [B, H, Lq, dh]
}

/// `[B, L, H·dh]` → `[B, H, L, dh]` (a view).
public func splitHeads(_ x: Tensor, heads: Int) throws -> Tensor {
    let (b, l, d) = (x.shape[0], x.shape[1], x.shape[2])
    guard d % heads == 0 else {
        throw TensorError.shape("attention: hidden size \(d) is not divisible by \(heads) heads")
    }
    return try x.reshaped([b, l, heads, d / heads]).transposed(1, 2)
}

/// `[B, H, L, dh]` → `[B, L, H·dh]`.
public func mergeHeads(_ x: Tensor) throws -> Tensor {
    let (b, h, l, dh) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    return try x.transposed(1, 2).reshaped([b, l, h * dh])
}

/// An additive attention mask `[B, 1, 1, L]` from a `[B, L]` 0/1 (or bool) key mask:
/// 0 where attended, `dropValue` where masked.
public func additiveMask(from keep: Tensor, dropValue: Double = -Double(Float.greatestFiniteMagnitude)) throws -> Tensor
{
    guard keep.rank == 2 else { throw TensorError.shape("attention mask must be [batch, length], got \(keep.shape)") }
    let masked = try keep.converted(to: .float32).eq(0)
    let m = try Tensor.zeros(masked.shape).maskedFill(masked, dropValue)
    return try m.unsqueezed(at: 1).unsqueezed(at: 1)
}

/// Multi-head attention with PyTorch's packed parameters (`nn.MultiheadAttention`):
/// `in_proj_weight [3D, D]`, `in_proj_bias [3D]`, `out_proj`.
///
/// Sequences are `[B, L, D]` (`batch_first=True`), or `[L, B, D]` when built with
/// `batchFirst: false`, PyTorch's default layout.
public final class MultiheadAttention: Module {
    public let inProjWeight: Tensor, inProjBias: Tensor
    public let outProj: Linear
    public let heads: Int, dropout: Double
    /// Whether sequences are `[B, L, D]` (true) or `[L, B, D]` (false).
    public let batchFirst: Bool

    public init(
        embedDim: Int, heads: Int, dropout: Double = 0, batchFirst: Bool = true, generator: RandomGenerator = .shared
    ) {
        // PyTorch: xavier_uniform for the packed projection, zero bias.
        let bound = (6.0 / Double(embedDim + 3 * embedDim)).squareRoot()
        inProjWeight = Tensor.uniform([3 * embedDim, embedDim], low: -bound, high: bound, generator: generator)
        inProjBias = Tensor.zeros([3 * embedDim])
        outProj = Linear(embedDim, embedDim, generator: generator)
        self.heads = heads
        self.dropout = dropout
        self.batchFirst = batchFirst
        super.init()
        register(parameter: "in_proj_weight", inProjWeight)
        register(parameter: "in_proj_bias", inProjBias)
        register(child: "out_proj", outProj)
        noGrad { _ = try? outProj.bias?.assign(Tensor.zeros([embedDim])) }
    }

    public override var summaryDetail: String {
        "\(inProjWeight.shape[1]), heads=\(heads)" + (batchFirst ? "" : ", batch_first=false")
    }

    /// Attends `query [B, Lq, D]` to `key`/`value [B, Lk, D]` (`[Lq, B, D]`, `[Lk, B, D]` when
    /// not ``batchFirst``); `mask` is additive, broadcasting to `[B, H, Lq, Lk]`.
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil) throws -> Tensor {
        guard batchFirst else {
            let out = try attend(
                query: query.transposed(0, 1), key: key.transposed(0, 1), value: value.transposed(0, 1), mask: mask)
            return try out.transposed(0, 1)
        }
        return try attend(query: query, key: key, value: value, mask: mask)
    }

    /// Batch-first attention.
    private func attend(query: Tensor, key: Tensor, value: Tensor, mask: Tensor?) throws -> Tensor {
        let d = inProjWeight.shape[1]
        let w = try inProjWeight.split(size: d), b = try inProjBias.split(size: d)
        let q = try splitHeads(query.linear(weight: w[0], bias: b[0]), heads: heads)
        let k = try splitHeads(key.linear(weight: w[1], bias: b[1]), heads: heads)
        let v = try splitHeads(value.linear(weight: w[2], bias: b[2]), heads: heads)
        let o = try scaledDotProductAttention(
            query: q, key: k, value: v, mask: mask, dropout: dropout, training: isTraining)
        return try outProj(mergeHeads(o))
    }
}

/// PyTorch's `nn.TransformerEncoderLayer`: self-attention and a feed-forward block, each with a
/// residual connection and LayerNorm — after (post-norm, default) or before (`normFirst`).
/// Sequences are `[B, L, D]`, or `[L, B, D]` when built with `batchFirst: false`.
public final class TransformerEncoderLayer: Module, Layer {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear, linear2: Linear
    public let norm1: LayerNorm, norm2: LayerNorm
    public let dropout: Dropout
    public let activation: Activation
    public let normFirst: Bool
    /// Whether sequences are `[B, L, D]` (true) or `[L, B, D]` (false).
    public let batchFirst: Bool

    public init(
        dModel: Int, heads: Int, feedForward: Int = 2048, dropout p: Double = 0.1,
        activation: Activation = .relu, eps: Double = 1e-5, normFirst: Bool = false,
        batchFirst: Bool = true, generator: RandomGenerator = .shared
    ) {
        selfAttn = MultiheadAttention(embedDim: dModel, heads: heads, dropout: p, generator: generator)
        linear1 = Linear(dModel, feedForward, generator: generator)
        linear2 = Linear(feedForward, dModel, generator: generator)
        norm1 = LayerNorm(dModel, eps: eps)
        norm2 = LayerNorm(dModel, eps: eps)
        dropout = Dropout(p, generator: generator)
        self.activation = activation
        self.normFirst = normFirst
        self.batchFirst = batchFirst
        super.init()
        register(child: "self_attn", selfAttn)
        register(child: "linear1", linear1)
        register(child: "dropout", dropout)
        register(child: "linear2", linear2)
        register(child: "norm1", norm1)
        register(child: "norm2", norm2)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try callAsFunction(x, mask: nil) }

    /// `x [B, L, D]` (`[L, B, D]` when not ``batchFirst``), optional additive `mask`
    /// broadcasting to `[B, H, L, L]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        // The attention block is batch-first either way; only the layer's ends transpose.
        guard batchFirst else { return try encode(x.transposed(0, 1), mask: mask).transposed(0, 1) }
        return try encode(x, mask: mask)
    }

    private func encode(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        func attend(_ h: Tensor) throws -> Tensor { try dropout(selfAttn(query: h, key: h, value: h, mask: mask)) }
        func feedForward(_ h: Tensor) throws -> Tensor { try dropout(linear2(dropout(activation(linear1(h))))) }
        if normFirst {
            let h = try x + attend(norm1(x))
            return try h + feedForward(norm2(h))
        }
        let h = try norm1(x + attend(x))
        return try norm2(h + feedForward(h))
    }
}
