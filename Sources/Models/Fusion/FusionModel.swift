import NN
import TensorCore

/// Ember's video + voice classifier (`nn.Fusion`, `model_type` `ember-fusion`): a ViT over the
/// frames and an audio tower (Wav2Vec2) over the waveform, fused by concatenation or by
/// cross-attention (``FusionConfig/Mode``) into a linear classifier. Keys: `vision.*` (a ViT
/// without pooler), `audio.*`, `fusion.*` (attention mode), `classifier.*`.
///
/// Inputs (a loader batch): `pixel_values` `[B, T, C, S, S]` (or images `[B, C, S, S]`),
/// `input_values` `[B, N]`, optional `attention_mask` `[B, N]` for the audio, optional `labels`
/// int64 `[B]`. The vision embedding is the final class token averaged over the T frames; the
/// audio embedding is the mean of the valid frames.
/// Outputs: `logits` `[B, num_labels]`, `vision_embeds` `[B, Dv]`, `audio_embeds` `[B, Da]`,
/// and `loss` (cross-entropy) with labels.
public final class FusionModel: Module, ConfiguredModel {
    public static let modelType = "ember-fusion"
    /// The configuration, as `config.json` holds it.
    public let config: FusionConfig
    /// The vision tower (`vision.*`).
    public let vision: ViTModel
    /// The audio tower (`audio.*`).
    public let audio: any AudioTower
    let fusion: FusionCrossAttention?
    let classifier: Linear

    /// A model with both towers built from their configurations.
    public convenience init(config: FusionConfig, initialization: WeightInitialization) throws {
        let audio = try Wav2Vec2Model(config: config.audio, initialization: initialization)
        let vision = try ViTModel(config: config.vision, addPoolingLayer: false, initialization: initialization)
        try self.init(config: config, vision: vision, audio: audio)
    }

    /// A model around existing (pretrained) towers; only the fusion block and the classifier
    /// start from scratch. A ViT built with a pooler is copied without it.
    public convenience init(
        vision: ViTModel, audio: any AudioTower, labels: ClassLabels, fusion: FusionConfig.Mode = .concat
    ) throws {
        var config = FusionConfig()
        config.vision = vision.config
        config.audio = (audio as? Wav2Vec2Model)?.config ?? config.audio
        config.labels = labels
        config.fusion = fusion
        var tower = vision
        if vision.pooler != nil {
            tower = try ViTModel(config: vision.config, addPoolingLayer: false, initialization: .fromCheckpoint)
            try tower.loadStateDict(vision.stateDict().filter { !$0.key.hasPrefix("pooler.") })
        }
        try self.init(config: config, vision: tower, audio: audio)
    }

    private init(config: FusionConfig, vision: ViTModel, audio: any AudioTower) throws {
        try config.validated(source: "FusionModel")
        self.config = config
        self.vision = vision
        self.audio = audio
        let (dv, da) = (config.vision.hiddenSize, audio.frameWidth)
        fusion =
            config.fusion == .attention
            ? FusionCrossAttention(
                visionWidth: dv, audioWidth: da, width: config.fusionWidth, heads: config.fusionHeads) : nil
        classifier = Linear(fusion == nil ? dv + da : 2 * config.fusionWidth, config.labels.count)
        super.init()
        register(child: "vision", vision)
        register(child: "audio", audio)
        if let fusion { register(child: "fusion", fusion) }
        register(child: "classifier", classifier)
        for head in [fusion as Module?, classifier].compactMap({ $0 }) {
            initializeWeights(of: head, std: config.initializerRange)
        }
    }

    public var architecture: String { "EmberFusionModel" }
    public var classLabels: ClassLabels? { config.labels }
    /// `config.json`'s fields, the audio tower's own configuration under `audio`.
    public var configJSON: [String: JSONValue] { hostConfigJSON(config.json, tower: audio, field: "audio") }
    public override var summaryDetail: String {
        "\(config.fusion.rawValue), " + counted(config.labels.count, "class", plural: "classes")
    }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let pixels = try VisionInput(
            pixelValues: input.require("pixel_values", for: typeName), channels: config.vision.numChannels,
            imageSize: config.vision.imageSize, model: typeName)
        var none = HiddenStates(enabled: false)
        let classTokens = try vision.encode(pixels.images, hiddenStates: &none).select(axis: 1, index: 0)  // [B·T, Dv]
        let frames = try classTokens.reshaped([pixels.batch, pixels.frames ?? 1, -1])  // [B, T, Dv]
        let sound = try audio.encodeAudio(
            input.require("input_values", for: typeName), attentionMask: input["attention_mask"])
        guard sound.states.shape[0] == pixels.batch else {
            throw ModelError.input(
                "\(typeName): pixel_values has \(pixels.batch) items but input_values \(sound.states.shape[0])")
        }
        let visionEmbeds = try frames.mean(axes: [1]), audioEmbeds = try sound.meanPooled()
        let fused =
            try fusion.map { try $0(frames: frames, audio: sound) } ?? Tensor.cat([visionEmbeds, audioEmbeds], axis: 1)
        let logits = try classifier(fused.dropout(p: config.classifierDropout, training: isTraining))
        var outputs = ["logits": logits, "vision_embeds": visionEmbeds, "audio_embeds": audioEmbeds]
        if let labels = input["labels"] {
            outputs["loss"] = try classificationLoss(
                logits: logits, labels: labels, problemType: "single_label_classification", model: typeName)
        }
        return outputs
    }

    /// Routes `vision.*` and `audio.*` keys through the towers' own rules (legacy names).
    public func parameterName(forCheckpointKey key: String) -> String? {
        if key.hasPrefix("vision.") {
            return vision.parameterName(forCheckpointKey: String(key.dropFirst(7))).map { "vision." + $0 }
        }
        if key.hasPrefix("audio.") {
            return audio.parameterName(forCheckpointKey: String(key.dropFirst(6))).map { "audio." + $0 }
        }
        return key
    }
}
