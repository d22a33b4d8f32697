import NN
import TensorCore

/// CLIP's text tower (keys `text_model.*`): token + position embeddings, causal pre-norm
/// encoder, final LayerNorm, and pooling at the end-of-text token.
final class CLIPTextTransformer: Module {
    let config: CLIPTextConfig
    let tokenEmbedding: Embedding, positionEmbedding: Embedding
    let layers: ModuleList<CLIPEncoderLayer>
    let finalLayerNorm: LayerNorm

    init(_ config: CLIPTextConfig) {
        self.config = config
        tokenEmbedding = Embedding(config.vocabSize, config.hiddenSize)
        positionEmbedding = Embedding(config.maxPositionEmbeddings, config.hiddenSize)
        layers = ModuleList((0..<config.numHiddenLayers).map { _ in CLIPEncoderLayer(config) })
        finalLayerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        super.init()
        register(
            child: "embeddings",
            Scope("CLIPTextEmbeddings", ["token_embedding": tokenEmbedding, "position_embedding": positionEmbedding]))
        register(child: "encoder", Scope("CLIPEncoder", ["layers": layers]))
        register(child: "final_layer_norm", finalLayerNorm)
    }

    /// CLIP's initialisation of the tower: N(0, (0.02·factor)²) embeddings, scaled layers.
    func resetParameters() {
        setNormal(tokenEmbedding.weight, std: 0.02 * config.initializerFactor)
        setNormal(positionEmbedding.weight, std: 0.02 * config.initializerFactor)
        for layer in layers.items { layer.resetParameters(config) }
    }

    override var summaryDetail: String {
        "vocab \(config.vocabSize), \(encoderShape(width: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads))"
    }

    /// `input_ids` `[B, L]` (and an optional `[B, L]` padding mask) → `last_hidden_state`
    /// `[B, L, D]` (after the final LayerNorm) and the pooled `[B, D]`.
    func callAsFunction(_ ids: Tensor, attentionMask: Tensor?, hiddenStates: inout HiddenStates, model: String) throws
        -> (Tensor, Tensor)
    {
        guard ids.rank == 2 else { throw ModelError.input("\(model): input_ids must be [B, L], got \(ids.shape)") }
        let (b, l) = (ids.shape[0], ids.shape[1])
        guard l <= config.maxPositionEmbeddings else {
            throw ModelError.input(
                "\(model): \(l) tokens exceed max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        let tokens = try lookup(tokenEmbedding, ids, paddingIndex: nil, model: model, input: "input_ids")
        let x = try tokens + positionEmbedding(Tensor.arange(0, Double(l)))
        let mask = try causalMask(batch: b, length: l, attentionMask: attentionMask, model: model)
        let h = try runLayers(layers, x, hiddenStates: &hiddenStates) { try $0($1, mask: mask) }
        let last = try finalLayerNorm(h)
        let rows = try Tensor(
            shape: [b], scalars: poolingPositions(ids).enumerated().map { Int64($0.offset * l + $0.element) })
        let pooled = try last.reshaped([b * l, -1]).indexSelect(axis: 0, indices: rows)
        return (last, pooled)
    }

    /// The token each row pools at: with the legacy `eos_token_id == 2` (OpenAI's configs) the
    /// largest id, else the first `eos_token_id` (position 0 if there is none, as argmax gives).
    func poolingPositions(_ ids: Tensor) -> [Int] {
        let (b, l) = (ids.shape[0], ids.shape[1])
        let values = ids.toArray(of: Int64.self)
        return (0..<b).map { r in
            let row = values[(r * l)..<((r + 1) * l)]
            if config.eosTokenId == 2 { return row.firstIndex(of: row.max()!)! - r * l }
            return (row.firstIndex(of: Int64(config.eosTokenId)) ?? r * l) - r * l
        }
    }

    /// The additive `[B or 1, 1, L, L]` mask: key j is dropped for query i when j > i (causal) or
    /// when `attention_mask[b, j]` is 0.
    private func causalMask(batch b: Int, length l: Int, attentionMask: Tensor?, model: String) throws -> Tensor {
        var keep: [Bool]? = nil
        if let attentionMask {
            guard attentionMask.shape == [b, l] else {
                throw ModelError.input(
                    "\(model): attention_mask must be [\(b), \(l)] like input_ids, got \(attentionMask.shape)")
            }
            keep = attentionMask.toArray(of: Double.self).map { $0 != 0 }
        }
        let rows = keep == nil ? 1 : b
        let drop = -Float.greatestFiniteMagnitude
        var values = [Float](repeating: 0, count: rows * l * l)
        for r in 0..<rows {
            for i in 0..<l {
                for j in 0..<l where j > i || keep?[r * l + j] == false { values[(r * l + i) * l + j] = drop }
            }
        }
        return try Tensor(shape: [rows, 1, l, l], scalars: values)
    }
}
