import Lua
import Models
import NN
import TensorCore

/// The model constructors: `nn.ViT(cfg)`, `nn.CLIP(cfg)`, `nn.Wav2Vec2(cfg)`, `nn.BERT(cfg)`,
/// `nn.UNITER(cfg)` from tables with Hugging Face's `config.json` field names, and `nn.Fusion`.
extension NNLibrary {
    /// What one constructor builds: its `model_type`, the fields it knows (nested configuration
    /// tables too), the Hugging Face classes it may build and the one `num_labels` selects.
    struct ModelFamily {
        let constructor: String
        let summary: String
        let modelType: String
        let fields: Set<String>
        var nested: [String: Set<String>] = [:]
        /// The `architectures` names it builds; the first is built without labels.
        let classes: [String]
        /// The class `num_labels`/`id2label` selects; nil when the base class has the head
        /// (UNITER) or when there is none (``acceptsLabels`` false).
        var classifier: String?
        var acceptsLabels = true

        var source: String { "nn.\(constructor)" }
    }

    static let families: [ModelFamily] = [
        ModelFamily(
            constructor: "ViT",
            summary: "A ViT (ViTModel; ViTForImageClassification with num_labels=) from config.json fields: "
                + "nn.ViT{image_size=32, patch_size=8, hidden_size=64, num_hidden_layers=2, num_attention_heads=4}",
            modelType: "vit", fields: ViTConfig.fieldNames,
            classes: ["ViTModel", "ViTForImageClassification"], classifier: "ViTForImageClassification"),
        ModelFamily(
            constructor: "CLIP",
            summary: "A CLIP model from config.json fields (text_config=, vision_config=, projection_dim=; "
                + "audio_config= adds a Wav2Vec2 voice tower)",
            modelType: "clip", fields: CLIPConfig.fieldNames,
            nested: [
                "text_config": CLIPTextConfig.fieldNames, "vision_config": CLIPVisionConfig.fieldNames,
                "audio_config": Wav2Vec2Config.fieldNames,
            ],
            classes: ["CLIPModel"], acceptsLabels: false),
        ModelFamily(
            constructor: "Wav2Vec2",
            summary: "A Wav2Vec2 (Wav2Vec2Model; ForSequenceClassification with num_labels=, "
                + "ForCTC with architectures={\"Wav2Vec2ForCTC\"}) from config.json fields",
            modelType: "wav2vec2", fields: Wav2Vec2Config.fieldNames,
            classes: ["Wav2Vec2Model", "Wav2Vec2ForCTC", "Wav2Vec2ForSequenceClassification"],
            classifier: "Wav2Vec2ForSequenceClassification"),
        ModelFamily(
            constructor: "BERT",
            summary: "A BERT (BertModel; BertForSequenceClassification with num_labels=) from config.json fields",
            modelType: "bert", fields: BertConfig.fieldNames,
            classes: ["BertModel", "BertForSequenceClassification"], classifier: "BertForSequenceClassification"),
        ModelFamily(
            constructor: "UNITER",
            summary:
                "A UNITER (text + image regions, ITM head; num_labels= adds a classifier, audio_config= audio tokens) "
                + "from config.json fields",
            modelType: "uniter", fields: UNITERConfig.fieldNames,
            nested: ["audio_config": Wav2Vec2Config.fieldNames], classes: ["UniterModel"]),
    ]

    static func registerModels(_ library: LuaLibrary) {
        for family in families {
            library.function(
                family.constructor, "\(family.source)(cfg) -> Module", family.summary
            ) { call in
                try call.expectAtMost(1)
                guard call.type(at: 1) == .table else {
                    throw call.typeError(1, expected: "table of config.json fields")
                }
                let json = try configuration(family, call.table(at: 1))
                return try call.push(
                    object: reportingModelErrors { try Models.build(config: json, source: family.source) } as Module)
            }
        }
        library.function(
            "Fusion",
            "nn.Fusion{vision=<ViT cfg or model>, audio=<Wav2Vec2 cfg or model>, num_labels=, fusion=\"concat\"|\"attention\"} -> Module",
            "Ember's video + voice classifier: a ViT over the frames and a Wav2Vec2 over the waveform, fused; "
                + "called with a loader batch {pixel_values=, input_values=, attention_mask=, labels=}"
        ) { call in
            try call.expectAtMost(1)
            guard call.type(at: 1) == .table else {
                throw call.typeError(1, expected: "table {vision=, audio=, num_labels=}")
            }
            return try call.push(object: fusion(call.table(at: 1)) as Module)
        }
    }

    /// The checked JSON configuration of `family` for a Lua table: known fields only (nested
    /// tables too), its `model_type`, and the class `architectures` or `num_labels` asks for.
    static func configuration(_ family: ModelFamily, _ table: LuaTable) throws -> [String: JSONValue] {
        let source = family.source
        var json = try ConfigTables.json(table, source: source)
        try ConfigTables.checkFields(json, known: family.fields, source: source)
        for (field, known) in family.nested.sorted(by: { $0.key < $1.key }) {
            if case .object(let inner)? = json[field] {
                try ConfigTables.checkFields(inner, known: known, source: source, path: field + ".")
            }
        }
        if let given = json["model_type"], given != .string(family.modelType) {
            throw LuaMessageError("\(source): field 'model_type' must be \"\(family.modelType)\" (or absent)")
        }
        json["model_type"] = .string(family.modelType)
        let labelled = json["num_labels"] != nil || json["id2label"] != nil
        if labelled && !family.acceptsLabels {
            throw LuaMessageError(
                "\(source): field '\(json["num_labels"] != nil ? "num_labels" : "id2label")': "
                    + "\(family.constructor) has no classification head")
        }
        if let architectures = json["architectures"] {
            guard case .array(let names) = architectures, names.count == 1, case .string(let name) = names[0],
                family.classes.contains(name)
            else {
                throw LuaMessageError(
                    "\(source): field 'architectures' must be one of {\"\(family.classes.joined(separator: "\"}, {\""))\"}"
                )
            }
        } else if labelled, let classifier = family.classifier {
            json["architectures"] = .array([.string(classifier)])
        }
        return json
    }

    /// Runs Models code, raising its errors (which name the source and the field, file or input)
    /// as Lua errors at the caller's position.
    static func reportingModelErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ModelError {
            throw LuaMessageError(error.description)
        }
    }
}
