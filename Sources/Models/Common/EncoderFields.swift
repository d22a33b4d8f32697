import NN

/// The fields of a transformer encoder's shape that every family's configuration has, with the
/// same `config.json` names: they sit at the top level of the family's configuration
/// (``ModelConfig/flattenedConfigs``) and read as its own properties (`config.hiddenSize`,
/// ``EncoderConfig``). Their checks and parameter count are here, once.
public struct EncoderFields: ModelConfig {
    /// Width D of the encoder.
    public var hiddenSize = 768
    /// Encoder layers.
    public var numHiddenLayers = 12
    /// Attention heads (they divide D).
    public var numAttentionHeads = 12
    /// Feed-forward width I.
    public var intermediateSize = 3072
    /// The feed-forward activation.
    public var hiddenAct = Activation.gelu
    /// Epsilon of the encoder's LayerNorms.
    public var layerNormEps = 1e-12
    /// Standard deviation of the normal initialisation of weights.
    public var initializerRange = 0.02

    /// ViT's and BERT's defaults (base size).
    public init() {}

    /// A family's defaults; `initializer_range` is 0.02 in all.
    public init(
        hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int, hiddenAct: Activation,
        layerNormEps: Double
    ) {
        (self.hiddenSize, self.numHiddenLayers, self.numAttentionHeads) = (
            hiddenSize, numHiddenLayers, numAttentionHeads
        )
        (self.intermediateSize, self.hiddenAct, self.layerNormEps) = (intermediateSize, hiddenAct, layerNormEps)
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", initializerRange = "initializer_range"
    }

    /// Widths and the layer count within ``ConfigLimits``, and a head count that divides the width.
    public func validate() throws {
        try ConfigLimits.width.check(("hidden_size", hiddenSize), ("intermediate_size", intermediateSize))
        try ConfigLimits.layers.check(("num_hidden_layers", numHiddenLayers))
        guard numAttentionHeads >= 1, hiddenSize % numAttentionHeads == 0 else {
            throw ConfigIssue(
                "num_attention_heads", "hidden size \(hiddenSize) is not a multiple of \(numAttentionHeads) heads")
        }
    }

    /// The layers' parameters: four D×D projections, the two feed-forward matrices, their biases and
    /// two LayerNorms each.
    public var parameterCount: Double {
        let (d, i) = (Double(hiddenSize), Double(intermediateSize))
        return Double(numHiddenLayers) * (4 * d * d + 2 * d * i + 9 * d + i)
    }
}

/// A configuration built around a transformer encoder: its ``EncoderFields`` (`encoder`) are
/// read and written at its top level and read as its own properties (`config.hiddenSize`).
@dynamicMemberLookup
public protocol EncoderConfig: ModelConfig {
    /// The encoder's shape.
    var encoder: EncoderFields { get set }
}

extension EncoderConfig {
    public static var flattenedConfigs: [String: any ModelConfig.Type] { ["encoder": EncoderFields.self] }

    /// The encoder's fields as the configuration's own: `config.hiddenSize`.
    public subscript<T>(dynamicMember field: WritableKeyPath<EncoderFields, T>) -> T {
        get { encoder[keyPath: field] }
        set { encoder[keyPath: field] = newValue }
    }
}
