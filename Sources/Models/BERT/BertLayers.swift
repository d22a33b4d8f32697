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
        register([
            "word_embeddings": wordEmbeddings, "position_embeddings": positionEmbeddings,
            "token_type_embeddings": tokenTypeEmbeddings, "LayerNorm": layerNorm,
        ])
    }

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
    let attention: SelfAttention
    let attentionNorm: LayerNorm
    let feedForward: FeedForward
    let outputNorm: LayerNorm
    let hiddenDropout: Double

    init(_ config: BertConfig) {
        let d = config.hiddenSize
        attention = SelfAttention(width: d, heads: config.numAttentionHeads, dropout: config.attentionProbsDropoutProb)
        attentionNorm = LayerNorm(d, eps: config.layerNormEps)
        feedForward = FeedForward(width: d, inner: config.intermediateSize, activation: config.hiddenAct)
        outputNorm = LayerNorm(d, eps: config.layerNormEps)
        hiddenDropout = config.hiddenDropoutProb
        super.init()
        let selfAttention = Scope(
            "BertSelfAttention", ["query": attention.query, "key": attention.key, "value": attention.value])
        let selfOutput = Scope("BertSelfOutput", ["dense": attention.output, "LayerNorm": attentionNorm])
        register(child: "attention", Scope("BertAttention", ["self": selfAttention, "output": selfOutput]))
        register(child: "intermediate", Scope("BertIntermediate", ["dense": feedForward.up]))
        register(child: "output", Scope("BertOutput", ["dense": feedForward.down, "LayerNorm": outputNorm]))
    }

    /// `[B, L, D]` with an additive key mask broadcasting to `[B, H, L, L]` → `[B, L, D]`.
    func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let context = try attention(x, mask: mask, training: isTraining)
        let a = try attentionNorm(context.dropout(p: hiddenDropout, training: isTraining) + x)
        return try outputNorm(feedForward(a).dropout(p: hiddenDropout, training: isTraining) + a)
    }
}
