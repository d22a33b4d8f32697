import NN
import TensorCore

/// ViT (`ViTModel`, MODELS.md §2): patch embedding, pre-norm encoder, final LayerNorm, and a
/// tanh pooler over the class token.
///
/// Inputs: `pixel_values` `[B, C, S, S]` (S = `image_size`) or a video `[B, T, C, S, S]`.
/// Outputs: `last_hidden_state` `[B, N+1, D]` (`[B, T, N+1, D]` for video) and `pooler_output`
/// `[B, Dp]` — for video the mean over frames of the per-frame pooler outputs.
public final class ViTModel: Module, ConfiguredModel {
    public static let modelType = "vit"
    /// The configuration, as `config.json` holds it.
    public let config: ViTConfig
    let embeddings: ViTEmbeddings
    let layers: ModuleList<ViTLayer>
    let layernorm: LayerNorm
    let pooler: Linear?
    let poolerActivation: Activation

    /// A ViT with a pooler.
    public convenience init(config: ViTConfig, initialization: WeightInitialization) throws {
        try self.init(config: config, addPoolingLayer: true, initialization: initialization)
    }

    /// A ViT, without the pooling layer when it is only a backbone (`ViTForImageClassification`,
    /// the Fusion model).
    public init(config: ViTConfig, addPoolingLayer: Bool, initialization: WeightInitialization = .huggingFace) throws {
        try config.validated(source: "ViTModel")
        self.config = config
        embeddings = ViTEmbeddings(config)
        layers = ModuleList((0..<config.numHiddenLayers).map { _ in ViTLayer(config) })
        layernorm = LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        pooler = addPoolingLayer ? Linear(config.hiddenSize, config.poolerOutputSize ?? config.hiddenSize) : nil
        poolerActivation = config.poolerAct
        super.init()
        register(child: "embeddings", embeddings)
        register(child: "encoder", Scope("ViTEncoder", ["layer": layers]))
        register(child: "layernorm", layernorm)
        if let pooler { register(child: "pooler", Scope("ViTPooler", ["dense": pooler])) }
        if initialization == .huggingFace { resetParameters() }
    }

    /// Hugging Face's initialisation: the generic scheme, plus N(0, initializer_range²) class token
    /// and position table.
    func resetParameters() {
        initializeWeights(of: self, std: config.initializerRange)
        setNormal(embeddings.clsToken, std: config.initializerRange)
        setNormal(embeddings.positionEmbeddings, std: config.initializerRange)
    }

    public var architecture: String { "ViTModel" }
    public override var summaryDetail: String {
        "\(config.imageSize)px/\(config.patchSize), \(encoderShape(width: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads))"
    }

    /// Images `[N, C, S, S]` → `last_hidden_state` `[N, P+1, D]` (after the final LayerNorm).
    func encode(_ images: Tensor, hiddenStates: inout HiddenStates) throws -> Tensor {
        try layernorm(runLayers(layers, embeddings(images), hiddenStates: &hiddenStates) { try $0($1) })
    }

    /// The per-image pooled embedding `[N, Dp]`: `act(pooler.dense(h[:, 0]))`.
    func pool(_ lastHiddenState: Tensor) throws -> Tensor? {
        guard let pooler else { return nil }
        return try poolerActivation(pooler(lastHiddenState.select(axis: 1, index: 0)))
    }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let vision = try VisionInput(
            pixelValues: input.require("pixel_values", for: typeName), channels: config.numChannels,
            imageSize: config.imageSize, model: typeName)
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let last = try encode(vision.images, hiddenStates: &hidden)
        var outputs = ["last_hidden_state": try vision.perFrame(last)]
        if let pooled = try pool(last) { outputs["pooler_output"] = try vision.pooled(pooled) }
        try hidden.write(into: &outputs, vision.perFrame)
        return outputs
    }

    /// Strips `vit.`; drops heads this model lacks (`classifier.*`, masked-image-modelling keys,
    /// the pooler when built without one).
    public func parameterName(forCheckpointKey key: String) -> String? {
        ClassifierHead.backboneParameterName(key, prefix: "vit.", hasPooler: pooler != nil) {
            $0.hasPrefix("classifier.") || $0.hasPrefix("decoder.") || $0 == "embeddings.mask_token"
        }
    }
}

/// ViT with a linear classifier on the final class token (`ViTForImageClassification`; keys
/// `vit.*` without a pooler, `classifier.*`).
///
/// Inputs: `pixel_values` (images or video, as ``ViTModel``), optional `labels` (int64 `[B]`).
/// Outputs: `logits` `[B, num_labels]`, and `loss` with labels. For video the class tokens are
/// averaged over frames before the classifier (equal to averaging per-frame logits).
public final class ViTForImageClassification: Module, ConfiguredModel {
    public static let modelType = "vit"
    /// The configuration, as `config.json` holds it.
    public let config: ViTConfig
    /// The backbone (`vit.*`).
    public let vit: ViTModel
    let classifier: ClassifierHead

    /// Needs `config.labels` for the class count; defaults to 2 classes as Hugging Face.
    public init(config: ViTConfig, initialization: WeightInitialization) throws {
        var config = config
        config.labels = config.labels ?? ClassLabels(count: 2)
        self.config = config
        vit = try ViTModel(config: config, addPoolingLayer: false, initialization: initialization)
        classifier = ClassifierHead(
            width: config.hiddenSize, labels: config.labels!, std: config.initializerRange,
            initialization: initialization)
        super.init()
        register(["vit": vit, "classifier": classifier.linear])
    }

    public var architecture: String { "ViTForImageClassification" }
    public var classLabels: ClassLabels? { config.labels }
    public override var summaryDetail: String { classifier.summary }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let vision = try VisionInput(
            pixelValues: input.require("pixel_values", for: typeName), channels: config.numChannels,
            imageSize: config.imageSize, model: typeName)
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let last = try vit.encode(vision.images, hiddenStates: &hidden)
        var outputs = try classifier.outputs(
            vision.pooled(last.select(axis: 1, index: 0)), labels: input["labels"], model: typeName)
        try hidden.write(into: &outputs, vision.perFrame)
        return outputs
    }

    /// Keeps `vit.*` and `classifier.*`, adds `vit.` to a bare ViTModel checkpoint's keys, and
    /// drops the pooler this model lacks.
    public func parameterName(forCheckpointKey key: String) -> String? {
        ClassifierHead.parameterName(key, backbone: "vit.", vit.parameterName(forCheckpointKey:))
    }
}
