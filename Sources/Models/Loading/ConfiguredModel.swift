import TensorCore

/// A Hugging Face architecture built from its configuration type: what `nn.ViT(cfg)`,
/// `nn.load(dir)` and `m:save(dir)` need beyond ``PretrainedModel``.
public protocol ConfiguredModel: PretrainedModel {
    associatedtype Config: ModelConfig
    /// The configuration the model was built from.
    var config: Config { get }
    /// A model built from `config`, with Hugging Face's initial weights or (when a checkpoint is
    /// about to overwrite them) without.
    /// - Throws: ``ModelError/config(_:)`` when the configuration cannot be built.
    init(config: Config, initialization: WeightInitialization) throws
}

/// Whether a model built from a configuration draws Hugging Face's initial weights.
public enum WeightInitialization: Sendable {
    /// Hugging Face's `_init_weights` scheme (N(0, initializer_range²) weights, zero biases,
    /// unit LayerNorms, and each architecture's special cases), for training from scratch.
    case huggingFace
    /// Only the layers' own defaults: every weight is about to be loaded from a checkpoint, and
    /// drawing Hugging Face's would cost a second or more for a base-sized model.
    case fromCheckpoint
}

extension ConfiguredModel {
    /// A model with Hugging Face's from-scratch initialisation.
    public init(config: Config) throws { try self.init(config: config, initialization: .huggingFace) }

    public var configJSON: [String: JSONValue] { config.json }
}
