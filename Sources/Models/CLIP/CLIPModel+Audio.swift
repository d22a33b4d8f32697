import NN
import TensorCore

/// Ember's audio tower for CLIP: screen ↔ voice next to screen ↔ text.
///
/// An ``AudioTower`` (Wav2Vec2) encodes `input_values` `[Ba, N]` (optional
/// `audio_attention_mask` `[Ba, N]` — `attention_mask` stays the text's); its frames are
/// averaged over the valid ones, projected by `audio_projection` (no bias) into the shared
/// space and L2-normalised: `audio_embeds` `[Ba, P]`. With `pixel_values`,
/// `logits_per_audio` `[Ba, Bi]` = `exp(audio_logit_scale)·â·îᵀ`; with ``ModelInput/returnLoss``
/// the loss is the mean of the symmetric contrastive losses of the pairs present (image–text,
/// image–audio). The audio pair has its own `audio_logit_scale`, starting at
/// `logit_scale_init_value`, so a pretrained CLIP's sharp scale does not carry over to a new
/// tower.
extension CLIPModel {
    /// Adds an audio tower (and a fresh projection and scale) to this model. `config.json` records
    /// the tower's configuration (``configJSON``), so that ``PretrainedModel/save(directory:)`` and
    /// ``Models/load(directory:strict:)`` round-trip a Wav2Vec2 tower; ``config`` holds it too when
    /// it is one.
    /// - Throws: when a tower is already attached.
    public func attachAudioTower(_ tower: any AudioTower) throws {
        guard audioModel == nil else { throw ModelError.input("\(typeName): an audio tower is already attached") }
        let projection = Linear(tower.frameWidth, config.projectionDim, bias: false)
        setNormal(projection.weight, std: config.initializerFactor / Double(tower.frameWidth).squareRoot())
        let scale = Tensor.full([], config.logitScaleInitValue)
        register(child: "audio_model", tower)
        register(child: "audio_projection", projection)
        register(parameter: "audio_logit_scale", scale)
        audioModel = tower
        audioProjection = projection
        audioLogitScale = scale
        config.audioConfig = (tower as? Wav2Vec2Model)?.config
    }

    /// The unnormalised audio embeddings `[B, P]`: projected mean of the valid frames.
    public func audioFeatures(inputValues: Tensor, attentionMask: Tensor? = nil) throws -> Tensor {
        guard let audioModel, let audioProjection else {
            throw ModelError.input(
                "\(typeName): input_values given, but the model has no audio tower (attach one, or set audio_config)")
        }
        return try audioProjection(audioModel.encodeAudio(inputValues, attentionMask: attentionMask).meanPooled())
    }

    /// The normalised `audio_embeds`.
    func audioEmbeds(_ inputValues: Tensor, attentionMask: Tensor?) throws -> Tensor {
        try Loss.normalized(audioFeatures(inputValues: inputValues, attentionMask: attentionMask))
    }

    /// `config.json`'s fields, the attached tower's configuration under `audio_config`.
    public var configJSON: [String: JSONValue] { hostConfigJSON(config.json, tower: audioModel, field: "audio_config") }
}
