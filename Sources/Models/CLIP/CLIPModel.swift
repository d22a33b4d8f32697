import NN
import TensorCore

/// CLIP (`CLIPModel`, MODELS.md §3): a text and a vision tower projected into one embedding
/// space, compared by cosine similarity times `exp(logit_scale)`.
///
/// Inputs: `input_ids` `[Bt, L]` (+ optional `attention_mask`) and/or `pixel_values`
/// `[Bi, C, S, S]` or video `[Bi, T, C, S, S]`; ``ModelInput/returnLoss`` for the loss.
/// Outputs: `text_embeds` `[Bt, P]` and `image_embeds` `[Bi, P]` (L2-normalised), with both
/// inputs `logits_per_text` `[Bt, Bi]` and `logits_per_image` `[Bi, Bt]`, and `loss` (the mean
/// of the cross-entropies over rows and columns, diagonal targets; needs Bt = Bi). The towers'
/// outputs come as `text_model_output.last_hidden_state` (and `.hidden_states.k`) and
/// `vision_model_output.*`; as in
/// transformers 5.x, their `pooler_output` is the projected, unnormalised embedding
/// (`get_text_features`). A video's image embedding is the mean over frames of the per-frame
/// projected pooled outputs, normalised afterwards.
public final class CLIPModel: Module, ConfiguredModel {
    public static let modelType = "clip"
    /// The configuration, as `config.json` holds it (attaching an audio tower records its own).
    public internal(set) var config: CLIPConfig
    let textModel: CLIPTextTransformer
    let visionModel: CLIPVisionTransformer
    let visualProjection: Linear, textProjection: Linear
    /// The log of the logits' scale (a scalar parameter).
    public let logitScale: Tensor
    /// The audio tower (`audio_model.*`), its projection and its own logit scale, when attached.
    public internal(set) var audioModel: (any AudioTower)?
    var audioProjection: Linear?
    var audioLogitScale: Tensor?

    /// Both towers, the projections and the scale; an audio tower too when the config has
    /// `audio_config`.
    public init(config: CLIPConfig, initialization: WeightInitialization) throws {
        try config.validated(source: "CLIPModel")
        self.config = config
        textModel = CLIPTextTransformer(config.textConfig)
        visionModel = CLIPVisionTransformer(config.visionConfig)
        visualProjection = Linear(config.visionConfig.hiddenSize, config.projectionDim, bias: false)
        textProjection = Linear(config.textConfig.hiddenSize, config.projectionDim, bias: false)
        logitScale = Tensor.full([], config.logitScaleInitValue)
        super.init()
        register([
            "text_model": textModel, "vision_model": visionModel, "visual_projection": visualProjection,
            "text_projection": textProjection,
        ])
        register(parameter: "logit_scale", logitScale)
        if initialization == .huggingFace {
            textModel.resetParameters()
            visionModel.resetParameters()
            let f = config.initializerFactor
            setNormal(visualProjection.weight, std: f / Double(config.visionConfig.hiddenSize).squareRoot())
            setNormal(textProjection.weight, std: f / Double(config.textConfig.hiddenSize).squareRoot())
        }
        if let audio = config.audioConfig {
            try attachAudioTower(Wav2Vec2Model(config: audio, initialization: initialization))
        }
    }

    public var architecture: String { "CLIPModel" }
    public override var summaryDetail: String {
        "\(config.projectionDim)-d shared space" + (audioModel == nil ? "" : ", with audio")
    }

    /// The unnormalised text embeddings `[B, P]` (`get_text_features`).
    public func textFeatures(inputIDs: Tensor, attentionMask: Tensor? = nil) throws -> Tensor {
        var none = HiddenStates(enabled: false)
        return try textProjection(
            textModel(inputIDs, attentionMask: attentionMask, hiddenStates: &none, model: typeName).1)
    }

    /// The unnormalised image embeddings `[B, P]` (`get_image_features`); a video's is the mean
    /// over its frames.
    public func imageFeatures(pixelValues: Tensor) throws -> Tensor {
        let vision = try visionInput(pixelValues)
        var none = HiddenStates(enabled: false)
        return try vision.pooled(visualProjection(visionModel(vision.images, hiddenStates: &none).1))
    }

    func visionInput(_ pixels: Tensor) throws -> VisionInput {
        try VisionInput(
            pixelValues: pixels, channels: config.visionConfig.numChannels, imageSize: config.visionConfig.imageSize,
            model: typeName)
    }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        guard input["input_ids"] != nil || input["pixel_values"] != nil || input["input_values"] != nil else {
            throw ModelError.input("\(typeName): give input_ids, pixel_values, input_values or several")
        }
        var outputs: [String: Tensor] = [:]
        var text: Tensor?, image: Tensor?
        if let ids = input["input_ids"] {
            var hidden = HiddenStates(enabled: input.outputHiddenStates)
            let (last, pooled) = try textModel(
                ids, attentionMask: input["attention_mask"], hiddenStates: &hidden, model: typeName)
            let features = try textProjection(pooled)
            outputs["text_model_output.last_hidden_state"] = last
            outputs["text_model_output.pooler_output"] = features
            try hidden.write(into: &outputs, prefix: "text_model_output.")
            text = try Loss.normalized(features)
            outputs["text_embeds"] = text
        }
        if let pixels = input["pixel_values"] {
            let vision = try visionInput(pixels)
            var hidden = HiddenStates(enabled: input.outputHiddenStates)
            let (last, pooled) = try visionModel(vision.images, hiddenStates: &hidden)
            let features = try vision.pooled(visualProjection(pooled))
            outputs["vision_model_output.last_hidden_state"] = try vision.perFrame(last)
            outputs["vision_model_output.pooler_output"] = features
            try hidden.write(into: &outputs, prefix: "vision_model_output.", vision.perFrame)
            image = try Loss.normalized(features)
            outputs["image_embeds"] = image
        }
        var losses: [Tensor] = []
        if let text, let image {
            let logitsPerText = try logitScale.exp() * text.matmul(image.t())  // [Bt, Bi]
            outputs["logits_per_text"] = logitsPerText
            outputs["logits_per_image"] = try logitsPerText.t()
            if input.returnLoss { losses.append(try symmetricContrastiveLoss(logitsPerText, model: typeName)) }
        }
        if let audioValues = input["input_values"] {
            let voice = try audioEmbeds(audioValues, attentionMask: input["audio_attention_mask"])
            outputs["audio_embeds"] = voice
            if let image {
                let logitsPerAudio = try audioLogitScale!.exp() * voice.matmul(image.t())  // [Ba, Bi]
                outputs["logits_per_audio"] = logitsPerAudio
                if input.returnLoss { losses.append(try symmetricContrastiveLoss(logitsPerAudio, model: typeName)) }
            }
        }
        if input.returnLoss {
            guard let first = losses.first else {
                throw ModelError.input("\(typeName): return_loss needs pixel_values with input_ids and/or input_values")
            }
            outputs["loss"] = try losses.dropFirst().reduce(first) { try $0 + $1 } / Double(losses.count)
        }
        return outputs
    }

    /// Keeps the checkpoint's names (audio tower keys through the tower's own rules); drops the
    /// position-id buffers older files carry.
    public func parameterName(forCheckpointKey key: String) -> String? {
        if key.hasPrefix("audio_model."), let audioModel {
            return audioModel.parameterName(forCheckpointKey: String(key.dropFirst(12))).map { "audio_model." + $0 }
        }
        return key.hasSuffix("position_ids") ? nil : key
    }
}

/// CLIP's loss from `logits [B, B]` whose diagonal holds the matching pairs: the mean of the
/// cross-entropy over rows and over columns.
func symmetricContrastiveLoss(_ logits: Tensor, model: String) throws -> Tensor {
    guard logits.rank == 2, logits.shape[0] == logits.shape[1] else {
        throw ModelError.input(
            "\(model): the contrastive loss needs as many texts as images (paired row by row), got logits \(logits.shape)"
        )
    }
    let targets = try Tensor.arange(0, Double(logits.shape[0]))
    return try (Loss.crossEntropy(logits, targets) + Loss.crossEntropy(logits.t(), targets)) / 2
}
