import NN
import TensorCore

/// Ember's audio tokens for UNITER: an ``AudioTower`` (Wav2Vec2) encodes `input_values`
/// `[B, N]` (optional `audio_attention_mask` `[B, N]`), and each frame becomes a token
/// `LN( LN_a(audio_linear(h)) + type_a )` (keys `uniter.audio_embeddings.*`) appended after the
/// regions: the sequence is `[text | regions | audio frames]`, padded frames masked. Audio tokens
/// get no position embedding — the tower's frames already encode time — and their own
/// token-type vector, so a pretrained two-row token-type table loads unchanged.
extension UNITERModel {
    /// Adds an audio tower (`audio_model.*`) and fresh audio embeddings. `config.json` records the
    /// tower's configuration (``configJSON``), so that saving and loading round-trip a Wav2Vec2
    /// tower; ``config`` holds it too when it is one.
    /// - Throws: when a tower is already attached.
    public func attachAudioTower(_ tower: any AudioTower) throws {
        guard audioModel == nil else { throw ModelError.input("\(typeName): an audio tower is already attached") }
        let embeddings = UNITERAudioEmbeddings(config.bert, frameWidth: tower.frameWidth)
        initializeWeights(of: embeddings, std: config.bert.initializerRange)
        uniter.register(child: "audio_embeddings", embeddings)
        register(child: "audio_model", tower)
        audioModel = tower
        audioEmbeddings = embeddings
        config.audioConfig = (tower as? Wav2Vec2Model)?.config
    }

    /// `config.json`'s fields, the attached tower's configuration under `audio_config`.
    public var configJSON: [String: JSONValue] { hostConfigJSON(config.json, tower: audioModel, field: "audio_config") }

    /// The audio tokens `[B, T', D]` and their 0/1 mask `[B, T']`.
    func audioTokens(_ inputValues: Tensor, attentionMask: Tensor?) throws -> (Tensor, Tensor) {
        guard let audioModel, let audioEmbeddings else {
            throw ModelError.input(
                "\(typeName): input_values given, but the model has no audio tower (attach one, or set audio_config)")
        }
        let frames = try audioModel.encodeAudio(inputValues, attentionMask: attentionMask)
        return (try audioEmbeddings(frames.states), frames.keepMask())
    }
}

/// Audio-frame embeddings (keys `uniter.audio_embeddings.*`).
final class UNITERAudioEmbeddings: Module {
    let audioLinear: Linear, audioLayerNorm: LayerNorm
    let tokenType: Embedding  // [1, D]
    let layerNorm: LayerNorm
    let dropout: Double

    init(_ config: BertConfig, frameWidth: Int) {
        let d = config.hiddenSize
        audioLinear = Linear(frameWidth, d)
        audioLayerNorm = LayerNorm(d, eps: config.layerNormEps)
        tokenType = Embedding(1, d)
        layerNorm = LayerNorm(d, eps: config.layerNormEps)
        dropout = config.hiddenDropoutProb
        super.init()
        register([
            "audio_linear": audioLinear, "audio_layer_norm": audioLayerNorm, "token_type_embedding": tokenType,
            "LayerNorm": layerNorm,
        ])
    }

    /// Frames `[B, T', Da]` → tokens `[B, T', D]`.
    func callAsFunction(_ frames: Tensor) throws -> Tensor {
        let type = try tokenType.weight.select(axis: 0, index: 0)
        return try layerNorm(audioLayerNorm(audioLinear(frames)) + type).dropout(p: dropout, training: isTraining)
    }
}
