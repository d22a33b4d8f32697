import NN
import TensorCore

/// BERT (`BertModel`, MODELS.md §5): embeddings, post-norm encoder, tanh pooler on `[CLS]`.
///
/// Inputs: `input_ids` int64 `[B, L]`; optional `attention_mask` `[B, L]` (1 keeps),
/// `token_type_ids` and `position_ids` `[B, L]`.
/// Outputs: `last_hidden_state` `[B, L, D]`, `pooler_output` `[B, D]`.
public final class BertModel: Module, ConfiguredModel {
    public static let modelType = "bert"
    /// The configuration, as `config.json` holds it.
    public let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: ModuleList<BertLayer>
    let pooler: Linear?

    /// A BERT with a pooler.
    public convenience init(config: BertConfig, initialization: WeightInitialization) throws {
        try self.init(config: config, addPoolingLayer: true, initialization: initialization)
    }

    /// A BERT, without the pooler when only the sequence is needed.
    public init(config: BertConfig, addPoolingLayer: Bool, initialization: WeightInitialization = .huggingFace) throws {
        try config.validated(source: "BertModel")
        self.config = config
        embeddings = BertEmbeddings(config)
        layers = ModuleList((0..<config.numHiddenLayers).map { _ in BertLayer(config) })
        pooler = addPoolingLayer ? Linear(config.hiddenSize, config.hiddenSize) : nil
        super.init()
        register(child: "embeddings", embeddings)
        register(child: "encoder", Scope("BertEncoder", ["layer": layers]))
        if let pooler { register(child: "pooler", Scope("BertPooler", ["dense": pooler])) }
        if initialization == .huggingFace { initializeBert(self, config) }
    }

    public var architecture: String { "BertModel" }
    public override var summaryDetail: String {
        "vocab \(config.vocabSize), \(encoderShape(width: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads))"
    }

    /// `last_hidden_state` `[B, L, D]` and the pooled `[CLS]` `[B, D]` (nil without a pooler).
    func encode(_ input: ModelInput, hiddenStates: inout HiddenStates) throws -> (Tensor, Tensor?) {
        let ids = try input.require("input_ids", for: typeName)
        guard ids.rank == 2 else { throw ModelError.input("\(typeName): input_ids must be [B, L], got \(ids.shape)") }
        let x = try embeddings(
            ids, tokenTypes: input["token_type_ids"], positions: input["position_ids"], model: typeName)
        let mask = try input["attention_mask"].map {
            try paddingMask($0, length: ids.shape[1], batch: ids.shape[0], model: typeName)
        }
        let last = try runLayers(layers, x, hiddenStates: &hiddenStates) { try $0($1, mask: mask) }
        return (last, try pool(last))
    }

    /// `tanh(pooler.dense(h[:, 0]))`.
    func pool(_ lastHiddenState: Tensor) throws -> Tensor? {
        guard let pooler else { return nil }
        return try pooler(lastHiddenState.select(axis: 1, index: 0)).tanh()
    }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let (last, pooled) = try encode(input, hiddenStates: &hidden)
        var outputs = ["last_hidden_state": last]
        outputs["pooler_output"] = pooled
        try hidden.write(into: &outputs)
        return outputs
    }

    /// Strips `bert.`; drops pre-training and task heads (`cls.*`, `classifier.*`), the
    /// non-persistent buffers old files carry (`embeddings.position_ids`, `token_type_ids`), and
    /// the pooler when built without one.
    public func parameterName(forCheckpointKey key: String) -> String? {
        ClassifierHead.backboneParameterName(key, prefix: "bert.", hasPooler: pooler != nil) {
            $0.hasPrefix("cls.") || $0.hasPrefix("classifier.") || $0.hasSuffix("position_ids")
                || $0 == "embeddings.token_type_ids"
        }
    }
}

/// BERT with a classifier on the pooled `[CLS]` (`BertForSequenceClassification`; keys
/// `bert.*`, `classifier.*`).
///
/// Inputs: as ``BertModel``, plus optional `labels`: int64 `[B]` class ids (cross-entropy),
/// float `[B]` targets when `num_labels` is 1 (MSE), or float `[B, C]` multi-label targets (BCE).
/// Outputs: `logits` `[B, num_labels]`, and `loss` with labels.
public final class BertForSequenceClassification: Module, ConfiguredModel {
    public static let modelType = "bert"
    /// The configuration, as `config.json` holds it.
    public let config: BertConfig
    /// The backbone (`bert.*`).
    public let bert: BertModel
    let classifier: ClassifierHead
    let dropout: Double

    /// Defaults to 2 classes, as Hugging Face, when `config.labels` is nil.
    public init(config: BertConfig, initialization: WeightInitialization) throws {
        var config = config
        config.labels = config.labels ?? ClassLabels(count: 2)
        self.config = config
        bert = try BertModel(config: config, initialization: initialization)
        classifier = ClassifierHead(
            width: config.hiddenSize, labels: config.labels!, std: config.initializerRange,
            initialization: initialization)
        dropout = config.classifierDropout ?? config.hiddenDropoutProb
        super.init()
        register(["bert": bert, "classifier": classifier.linear])
    }

    public var architecture: String { "BertForSequenceClassification" }
    public var classLabels: ClassLabels? { config.labels }
    public override var summaryDetail: String { classifier.summary }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let (_, pooled) = try bert.encode(input, hiddenStates: &hidden)
        var outputs = try classifier.outputs(
            pooled!.dropout(p: dropout, training: isTraining), labels: input["labels"], model: typeName)
        try hidden.write(into: &outputs)
        return outputs
    }

    /// Keeps `bert.*` and `classifier.*`; adds `bert.` to a bare BertModel checkpoint's keys.
    public func parameterName(forCheckpointKey key: String) -> String? {
        ClassifierHead.parameterName(key, backbone: "bert.", bert.parameterName(forCheckpointKey:))
    }
}

/// Hugging Face's BERT initialisation: N(0, initializer_range²) weights, zero biases, and a
/// zero padding row in the word embeddings.
func initializeBert(_ model: Module, _ config: BertConfig) {
    initializeWeights(of: model, std: config.initializerRange)
    guard let embeddings = model.namedModules().lazy.compactMap({ $0.module as? BertEmbeddings }).first,
        let pad = config.padTokenId
    else { return }
    noGrad {
        try! embeddings.wordEmbeddings.weight.select(axis: 0, index: pad).assign(Tensor.zeros([config.hiddenSize]))
    }
}
