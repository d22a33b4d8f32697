import NN
import TensorCore

/// Word, position and token-type embeddings, summed and normalised (keys `embeddings.*`).
final class BertEmbeddings: Module {
    let wordEmbeddings: Embedding, positionEmbeddings: Embedding, tokenTypeEmbeddings: Embedding
    let layerNorm: LayerNorm
    let paddingIndex: Int?
    let dropout: Double

    init(_ config: BertConfig) {
        wordEmbeddings = Embedding(config.vocabSize, config.hiddenSize)
        positionEmbeddings = Embedding(config.maxPositionEmbeddings, config.hiddenSize)
        tokenTypeEmbeddings = Embedding(config.typeVocabSize, config.hiddenSize)
        layerNorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        paddingIndex = config.padTokenId
        dropout = config.hiddenDropoutProb
        super.init()
        register(child: "word_embeddings", wordEmbeddings)
        register(child: "position_embeddings", positionEmbeddings)
        register(child: "token_type_embeddings", tokenTypeEmbeddings)
        register(child: "LayerNorm", layerNorm)
    }

    override var typeName: String { "BertEmbeddings" }

    /// `LN(word[ids] + token_type[types] + position[positions])` → `[B, L, D]`. Positions
    /// default to `0..<L` and token types to 0.
    func callAsFunction(_ ids: Tensor, tokenTypes: Tensor?, positions: Tensor?, model: String) throws -> Tensor {
        let (b, l) = (ids.shape[0], ids.shape[1])
        guard l <= positionEmbeddings.weight.shape[0] else {
            throw ModelError.input(
                "\(model): \(l) tokens exceed max_position_embeddings \(positionEmbeddings.weight.shape[0])")
        }
        for (name, t) in [("token_type_ids", tokenTypes), ("position_ids", positions)] {
            if let t, t.shape != [b, l] && t.shape != [1, l] && t.shape != [l] {
                throw ModelError.input(
                    "\(model): \(name) must be [\(b), \(l)] like input_ids (or [1, \(l)] for every row), got \(t.shape)"
                )
            }
        }
        let word = try lookup(wordEmbeddings, ids, paddingIndex: paddingIndex, model: model, input: "input_ids")
        let types = try lookup(
            tokenTypeEmbeddings, tokenTypes ?? Tensor.zeros([l], dtype: .int64), paddingIndex: nil, model: model,
            input: "token_type_ids")
        let place = try lookup(
            positionEmbeddings, positions ?? Tensor.arange(0, Double(l)), paddingIndex: nil, model: model,
            input: "position_ids")
        return try layerNorm(word + types + place).dropout(p: dropout, training: isTraining)
    }
}

/// One post-norm encoder layer (keys `encoder.layer.{i}.*`):
/// `a = LN1(O(Attn(x)) + x)`, then `LN2(output(act(intermediate(a))) + a)`.
final class BertLayer: Module {
    let query: Linear, key: Linear, value: Linear, attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate: Linear, output: Linear
    let outputNorm: LayerNorm
    let activation: Activation
    let heads: Int
    let attentionDropout: Double, hiddenDropout: Double

    init(_ config: BertConfig) throws {
        let d = config.hiddenSize
        query = Linear(d, d)
        key = Linear(d, d)
        value = Linear(d, d)
        attentionOutput = Linear(d, d)
        attentionNorm = LayerNorm(d, eps: config.layerNormEps)
        intermediate = Linear(d, config.intermediateSize)
        output = Linear(config.intermediateSize, d)
        outputNorm = LayerNorm(d, eps: config.layerNormEps)
        activation = try Activation(config: config.hiddenAct)
        heads = config.numAttentionHeads
        attentionDropout = config.attentionProbsDropoutProb
        hiddenDropout = config.hiddenDropoutProb
        super.init()
        register(
            child: "attention",
            Scope(
                "BertAttention",
                [
                    "self": Scope("BertSelfAttention", ["query": query, "key": key, "value": value]),
                    "output": Scope("BertSelfOutput", ["dense": attentionOutput, "LayerNorm": attentionNorm]),
                ]))
        register(child: "intermediate", Scope("BertIntermediate", ["dense": intermediate]))
        register(child: "output", Scope("BertOutput", ["dense": output, "LayerNorm": outputNorm]))
    }

    override var typeName: String { "BertLayer" }

    /// `[B, L, D]` with an additive key mask broadcasting to `[B, H, L, L]` → `[B, L, D]`.
    func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let context = try multiHeadAttention(
            query: query(x), key: key(x), value: value(x), heads: heads, mask: mask,
            dropout: attentionDropout, training: isTraining)
        let a = try attentionNorm(attentionOutput(context).dropout(p: hiddenDropout, training: isTraining) + x)
        let m = try output(activation(intermediate(a))).dropout(p: hiddenDropout, training: isTraining)
        return try outputNorm(m + a)
    }
}

/// Runs `layers` in order, recording each layer's input (and the final output) in `hiddenStates`.
func runBertLayers(_ layers: ModuleList<BertLayer>, _ x: Tensor, mask: Tensor?, hiddenStates: inout HiddenStates) throws
    -> Tensor
{
    var h = x
    for layer in layers.items {
        hiddenStates.append(h)
        h = try layer(h, mask: mask)
    }
    hiddenStates.append(h)
    return h
}
