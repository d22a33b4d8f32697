import NN
import TensorCore

/// UNITER (ChenRocks/UNITER, MODELS.md §6): one BERT encoder over text tokens and image regions,
/// with an image-text matching head and an optional classification head (UNITER's VQA head).
///
/// Inputs, Ember's layout: `input_ids` `[B, L]` with optional `attention_mask`,
/// `token_type_ids`, `position_ids`; `img_feat` `[B, K, img_dim]` with `img_pos_feat`
/// `[B, K, 7]` (`[x1, y1, x2, y2, w, h, w·h]`, normalised) and optional `img_attention_mask`
/// `[B, K]`; with an audio tower, `input_values` (see ``attachAudioTower(_:)``). The sequence is
/// `[text | regions | audio]` in that order, padding masked (−10000); any part may be absent. UNITER's own layout is accepted too: `gather_index` `[B, N]` picks the
/// compact sequence from `[padded text | padded regions]` and `attn_masks` `[B, N]` masks it.
/// Labels: `labels` for the classifier (int64 `[B]`, or float `[B, C]` soft targets as VQA),
/// `itm_labels` int64 `[B]` (1 = match); with both the losses add up.
/// Outputs: `last_hidden_state` `[B, N, D]`, `pooler_output` `[B, D]`, `itm_logits` `[B, 2]`,
/// `logits` `[B, num_labels]` with a head, `loss` with labels.
public final class UNITERModel: Module, ConfiguredModel {
    public static let modelType = "uniter"
    /// The configuration, as `config.json` holds it (attaching an audio tower records its own).
    public internal(set) var config: UNITERConfig
    let uniter: Scope
    let embeddings: BertEmbeddings
    let imageEmbeddings: UNITERImageEmbeddings
    let layers: ModuleList<BertLayer>
    let pooler: Linear
    let itmOutput: Linear
    let head: UNITERClassifierHead?
    /// The audio tower (`audio_model.*`) and its token embeddings, when attached.
    public internal(set) var audioModel: (any AudioTower)?
    var audioEmbeddings: UNITERAudioEmbeddings?

    /// The encoder, the ITM head and, with `num_labels`, the classification head; an audio tower
    /// too when the config has `audio_config`.
    public init(config: UNITERConfig, initialization: WeightInitialization) throws {
        try config.validated(source: "UNITERModel")
        self.config = config
        embeddings = BertEmbeddings(config.bert)
        imageEmbeddings = UNITERImageEmbeddings(config)
        layers = ModuleList((0..<config.bert.numHiddenLayers).map { _ in BertLayer(config.bert) })
        pooler = Linear(config.bert.hiddenSize, config.bert.hiddenSize)
        itmOutput = Linear(config.bert.hiddenSize, 2)
        head = config.bert.labels.map { UNITERClassifierHead(config.bert, classes: $0.count) }
        uniter = Scope(
            "UniterModel",
            [
                "embeddings": embeddings, "img_embeddings": imageEmbeddings,
                "encoder": Scope("UniterEncoder", ["layer": layers]), "pooler": Scope("BertPooler", ["dense": pooler]),
            ])
        super.init()
        register(child: "uniter", uniter)
        register(child: "itm_output", itmOutput)
        if let head { register(child: "vqa_output", head) }
        // UNITER's init_weights: every Linear and Embedding N(0, initializer_range²) — the padding
        // row included — zero biases, LayerNorms 1 and 0.
        if initialization == .huggingFace { initializeWeights(of: self, std: config.bert.initializerRange) }
        if let audio = config.audioConfig {
            try attachAudioTower(Wav2Vec2Model(config: audio, initialization: initialization))
        }
    }

    public var architecture: String { "UniterModel" }
    /// The classification head's classes (UNITER's VQA head), when it has one; the ITM head's
    /// two classes are not counted.
    public var classLabels: ClassLabels? { head == nil ? nil : config.bert.labels }
    public override var summaryDetail: String {
        "\(encoderShape(width: config.bert.hiddenSize, layers: config.bert.numHiddenLayers, heads: config.bert.numAttentionHeads)), \(config.imgDim)-d regions"
            + (head.map { ", " + counted($0.classes, "class", plural: "classes") } ?? "")
    }

    public func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let (sequence, keep) = try embed(input)
        let mask = try additiveMask(from: keep, dropValue: -10000)
        var hidden = HiddenStates(enabled: input.outputHiddenStates)
        let last = try runLayers(layers, sequence, hiddenStates: &hidden) { try $0($1, mask: mask) }
        let pooled = try pooler(last.select(axis: 1, index: 0)).tanh()
        var outputs = ["last_hidden_state": last, "pooler_output": pooled, "itm_logits": try itmOutput(pooled)]
        var losses: [Tensor] = []
        if let head {
            let logits = try head(pooled)
            outputs["logits"] = logits
            if let labels = input["labels"] {
                losses.append(
                    try classificationLoss(
                        logits: logits, labels: labels, problemType: config.bert.labels?.problemType, model: typeName))
            }
        } else if input["labels"] != nil {
            throw ModelError.input(
                "\(typeName): labels given, but the model has no classification head (set num_labels)")
        }
        if let itmLabels = input["itm_labels"] {
            losses.append(
                try classificationLoss(
                    logits: outputs["itm_logits"]!, labels: itmLabels, problemType: "single_label_classification",
                    model: typeName))
        }
        if let first = losses.first { outputs["loss"] = try losses.dropFirst().reduce(first) { try $0 + $1 } }
        try hidden.write(into: &outputs)
        return outputs
    }

    /// Maps UNITER checkpoints (`uniter.*`, `itm_output.*`, `vqa_output.*`) and BERT ones
    /// (`bert.*` or bare `embeddings.*`/`encoder.*`/`pooler.*` → `uniter.*`); drops the
    /// pre-training heads (`cls.*`, `feat_regress.*`, `region_classifier.*`), the retrieval head
    /// (`rank_output.*`), `img_embeddings.mask_embedding`, BERT task heads and buffers. Audio
    /// tower keys go through the tower's own rules.
    public func parameterName(forCheckpointKey key: String) -> String? {
        if key.hasPrefix("audio_model."), let audioModel {
            return audioModel.parameterName(forCheckpointKey: String(key.dropFirst(12))).map { "audio_model." + $0 }
        }
        var k = key
        if k.hasPrefix("bert.") { k = "uniter." + k.dropFirst(5) }
        if ["embeddings.", "img_embeddings.", "encoder.", "pooler."].contains(where: { k.hasPrefix($0) }) {
            k = "uniter." + k
        }
        let dropped = [
            "cls.", "feat_regress.", "region_classifier.", "rank_output.", "classifier.",
            "uniter.img_embeddings.mask_embedding.",
        ]
        if dropped.contains(where: { k.hasPrefix($0) }) || k.hasSuffix("position_ids")
            || k.hasSuffix("embeddings.token_type_ids")
        {
            return nil
        }
        if head == nil && k.hasPrefix("vqa_output.") { return nil }
        return k
    }
}

/// UNITER's VQA head (keys `vqa_output.{0,2,3}.*`): Linear(D, 2D) → GELU → LayerNorm → Linear(2D, C).
final class UNITERClassifierHead: Module {
    let dense: Linear, layerNorm: LayerNorm, output: Linear
    let classes: Int

    init(_ config: BertConfig, classes: Int) {
        let d = config.hiddenSize
        dense = Linear(d, 2 * d)
        layerNorm = LayerNorm(2 * d, eps: config.layerNormEps)
        output = Linear(2 * d, classes)
        self.classes = classes
        super.init()
        register(["0": dense, "2": layerNorm, "3": output])
    }

    /// `[B, D]` → `[B, C]`.
    func callAsFunction(_ pooled: Tensor) throws -> Tensor { try output(layerNorm(dense(pooled).gelu())) }
}
