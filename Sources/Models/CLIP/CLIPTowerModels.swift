import NN
import TensorCore

/// CLIP's text tower alone (`CLIPTextModel`, `model_type` `clip_text_model`).
///
/// Inputs: `input_ids` `[B, L]`, optional `attention_mask`. Outputs: `last_hidden_state`
/// `[B, L, D]` and `pooler_output` `[B, D]` — the hidden state at the first `eos_token_id`, or
/// at the largest id when the config has the legacy `eos_token_id` 2 (OpenAI's hub configs).
/// Loads files with or without the `text_model.` prefix (MODELS.md §8.2) and saves with it.
public final class CLIPTextModel: Module, ConfiguredModel {
    public static let modelType = "clip_text_model"
    /// The configuration, as `config.json` holds it.
    public let config: CLIPTextConfig
    let textModel: CLIPTextTransformer

    /// A text tower, with CLIP's initialisation unless loading.
    public init(config: CLIPTextConfig, initialization: WeightInitialization) throws {
        try config.validated(source: "CLIPTextModel")
        self.config = config
        textModel = CLIPTextTransformer(config)
        super.init()
        register(child: "text_model", textModel)
        if initialization == .huggingFace { textModel.resetParameters() }
    }

    public var architecture: String { "CLIPTextModel" }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let (last, pooled) = try textModel(
            input.require("input_ids", for: typeName), attentionMask: input["attention_mask"],
            hiddenStates: &hidden, model: typeName)
        var outputs = ["last_hidden_state": last, "pooler_output": pooled]
        try hidden.write(into: &outputs)
        return outputs
    }

    /// Adds `text_model.` to unprefixed keys; drops a `CLIPModel`'s other tower and heads.
    public func parameterName(forCheckpointKey key: String) -> String? {
        towerKey(key, prefix: "text_model.", otherTower: "vision_model.")
    }
}

/// CLIP's vision tower alone (`CLIPVisionModel`, `model_type` `clip_vision_model`).
///
/// Inputs: `pixel_values` `[B, C, S, S]` or video `[B, T, C, S, S]`. Outputs:
/// `last_hidden_state` `[B, P+1, D]` (`[B, T, P+1, D]`), `pooler_output` `[B, D]` =
/// `post_layernorm` of the class token (for video, its mean over frames).
/// Loads files with or without the `vision_model.` prefix and saves with it.
public final class CLIPVisionModel: Module, ConfiguredModel {
    public static let modelType = "clip_vision_model"
    /// The configuration, as `config.json` holds it.
    public let config: CLIPVisionConfig
    let visionModel: CLIPVisionTransformer

    /// A vision tower, with CLIP's initialisation unless loading.
    public init(config: CLIPVisionConfig, initialization: WeightInitialization) throws {
        try config.validated(source: "CLIPVisionModel")
        self.config = config
        visionModel = CLIPVisionTransformer(config)
        super.init()
        register(child: "vision_model", visionModel)
        if initialization == .huggingFace { visionModel.resetParameters() }
    }

    public var architecture: String { "CLIPVisionModel" }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let vision = try VisionInput(
            pixelValues: input.require("pixel_values", for: typeName), channels: config.numChannels,
            imageSize: config.imageSize, model: typeName)
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let (last, pooled) = try visionModel(vision.images, hiddenStates: &hidden)
        var outputs = ["last_hidden_state": try vision.perFrame(last), "pooler_output": try vision.pooled(pooled)]
        try hidden.write(into: &outputs, vision.perFrame)
        return outputs
    }

    /// Adds `vision_model.` to unprefixed keys; drops a `CLIPModel`'s other tower and heads.
    public func parameterName(forCheckpointKey key: String) -> String? {
        towerKey(key, prefix: "vision_model.", otherTower: "text_model.")
    }
}

/// A stand-alone tower's name for `key`: prefixed as the tower, nil for buffers and for the
/// parts of a full `CLIPModel` file the tower does not have.
private func towerKey(_ key: String, prefix: String, otherTower: String) -> String? {
    if key.hasSuffix("position_ids") || key.hasPrefix(otherTower) { return nil }
    if ["logit_scale", "text_projection.weight", "visual_projection.weight"].contains(key) { return nil }
    return key.hasPrefix(prefix) ? key : prefix + key
}
