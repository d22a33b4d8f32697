import NN
import TensorCore

/// The configuration of Ember's ViT + audio classifier (`model_type` `ember-fusion`), as
/// `nn.Fusion{vision=, audio=, num_labels=, fusion=}` takes it and `config.json` stores it;
/// reading and writing are ``ModelConfig``'s, the towers' configurations nested.
public struct FusionConfig: ModelConfig {
    /// How the two pooled embeddings are combined.
    public enum Mode: String, NamedChoice {
        /// `classifier([v ; a])`.
        case concat
        /// Each modality's pooled embedding attends to the other's frames (one cross-attention
        /// block per direction), then `classifier([v' ; a'])`.
        case attention
    }

    /// The vision tower (a ViT without pooler).
    public var vision = ViTConfig()
    /// The audio tower.
    public var audio = Wav2Vec2Config()
    public var labels = ClassLabels(count: 2)
    public var fusion = Mode.concat
    /// The common width of the attention block; nil means the vision hidden size.
    public var fusionHiddenSize: Int?
    /// Heads of each cross-attention block.
    public var fusionHeads = 4
    /// Dropout on the fused vector before the classifier.
    public var classifierDropout = 0.1
    public var initializerRange = 0.02
    /// The fields the fusion model does not read, written back as read.
    public var extra: [String: JSONValue] = [:]

    /// Hugging Face's defaults.
    public init() {}

    /// The width of the attention block.
    public var fusionWidth: Int { fusionHiddenSize ?? vision.hiddenSize }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case vision, audio, labels, fusion, fusionHiddenSize = "fusion_hidden_size", fusionHeads = "fusion_heads"
        case classifierDropout = "classifier_dropout", initializerRange = "initializer_range", extra
    }

    public static var nestedConfigs: [String: any ModelConfig.Type] {
        ["vision": ViTConfig.self, "audio": Wav2Vec2Config.self]
    }

    public func validate() throws {
        try ConfigLimits.width.check(("fusion_hidden_size", fusionWidth))
        guard fusionHeads > 0, fusionWidth % fusionHeads == 0 else {
            throw ConfigIssue(
                "fusion_heads", "the fusion width \(fusionWidth) is not a multiple of \(fusionHeads) heads")
        }
    }

    public var parameterCount: Double {
        let (v, a, f) = (Double(vision.hiddenSize), Double(audio.hiddenSize), Double(fusionWidth))
        let block = fusion == .attention ? (v + a) * f + 8 * f * f : 0
        return vision.parameterCount + audio.parameterCount + block + Double(labels.count) * (v + a + 2 * f)
    }
}
