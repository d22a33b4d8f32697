/// A Hugging Face architecture built from its configuration type: what `nn.ViT(cfg)`,
/// `nn.load(dir)` and `m:save(dir)` need beyond ``PretrainedModel``.
public protocol ConfiguredModel: PretrainedModel {
    associatedtype Config: ModelConfig
    /// The configuration the model was built from.
    var config: Config { get }
    /// A model with Hugging Face's from-scratch initialisation (`initializer_range`).
    /// - Throws: ``ModelError/config(_:)`` when the configuration cannot be built.
    init(config: Config) throws
}

extension ConfiguredModel {
    public var configJSON: [String: JSONValue] { config.json }
}
