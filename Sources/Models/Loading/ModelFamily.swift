import TensorCore

extension Models {
    /// One model family of the registry (``Models/families``): everything the loader, the builders
    /// and the Lua `nn` library need to know about it. Adding a family is adding a row.
    public struct Family: Sendable {
        /// How the family's configurations relate to a classification head.
        public enum Head: Sendable, Equatable {
            /// No classification head: `num_labels` and `id2label` are refused.
            case none
            /// `num_labels` / `id2label` select this class (`ViTForImageClassification`).
            case selects(String)
            /// The family's class sizes its own head from the labels (UNITER's VQA head, Fusion).
            case sized
        }

        /// `config.json`'s `model_type`.
        public let modelType: String
        /// The Lua constructor, called as `nn.<constructor>(cfg)`; nil for a family built only from a
        /// folder (the stand-alone CLIP towers).
        public let constructor: String?
        /// The constructor's one-paragraph help.
        public let summary: String
        /// The classes by `architectures` name; the first is the family's base model, built when a
        /// configuration names none of them (`BertModel` for `BertForPreTraining`).
        public let classes: [(architecture: String, type: any ConfiguredModel.Type)]
        /// What the labels of a configuration build.
        public let head: Head
        /// The inputs the family's models read, by name.
        public let inputs: [String: ModelInput.Kind]

        /// The Lua constructor's name as errors show it (`nn.ViT`).
        public var source: String { "nn.\(constructor ?? modelType)" }

        /// Builds the family's model from the fields a user typed (a Lua table): unknown fields are
        /// errors (with the nearest known name), `model_type` may only name this family,
        /// `architectures` must be one of its classes, and labels select the head's class.
        /// - Throws: ``ModelError/config(_:)`` naming ``source`` and the field.
        public func build(fields: [String: JSONValue]) throws -> any PretrainedModel {
            var json = fields
            if let given = json["model_type"], given != .string(modelType) {
                throw ModelError.config(
                    "\(source): field 'model_type': must be \"\(modelType)\" (or absent), got \(given.shortText)")
            }
            json["model_type"] = .string(modelType)
            if let field = ["num_labels", "id2label"].first(where: { json[$0] != nil }), head == .none {
                throw ModelError.config(
                    "\(source): field '\(field)': \(constructor ?? modelType) has no classification head")
            }
            if let architectures = json["architectures"] {
                guard case .array(let names) = architectures, names.count == 1, case .string(let name) = names[0],
                    classes.contains(where: { $0.architecture == name })
                else {
                    let choices = classes.map { "{\"\($0.architecture)\"}" }.joined(separator: ", ")
                    throw ModelError.config("\(source): field 'architectures': must be one of \(choices)")
                }
            } else if case .selects(let classifier) = head, json["num_labels"] != nil || json["id2label"] != nil {
                json["architectures"] = .array([.string(classifier)])
            }
            return try Models.build(config: json, source: source, rejectingUnknownFields: true)
        }

        /// The class `architectures` names, or the base model.
        func modelClass(for json: [String: JSONValue]) -> any ConfiguredModel.Type {
            var architectures: [String] = []
            if case .array(let items)? = json["architectures"] {
                architectures = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            }
            return (classes.first { architectures.contains($0.architecture) } ?? classes[0]).type
        }
    }

    /// The registry: every family Ember builds, loads and offers as a Lua constructor.
    public static let families: [Family] = [
        Family(
            modelType: "vit", constructor: "ViT",
            summary: "A ViT (ViTModel; ViTForImageClassification with num_labels=) from config.json fields: "
                + "nn.ViT{image_size=32, patch_size=8, hidden_size=64, num_hidden_layers=2, num_attention_heads=4}",
            classes: [("ViTModel", ViTModel.self), ("ViTForImageClassification", ViTForImageClassification.self)],
            head: .selects("ViTForImageClassification"), inputs: ["pixel_values": .values, "labels": .any]),
        Family(
            modelType: "clip", constructor: "CLIP",
            summary: "A CLIP model from config.json fields (text_config=, vision_config=, projection_dim=; "
                + "audio_config= adds a Wav2Vec2 voice tower)",
            classes: [("CLIPModel", CLIPModel.self)], head: .none,
            inputs: [
                "input_ids": .ids, "attention_mask": .any, "pixel_values": .values, "input_values": .values,
                "audio_attention_mask": .any,
            ]),
        Family(
            modelType: "clip_text_model", constructor: nil, summary: "CLIP's text tower alone",
            classes: [("CLIPTextModel", CLIPTextModel.self)], head: .none,
            inputs: ["input_ids": .ids, "attention_mask": .any]),
        Family(
            modelType: "clip_vision_model", constructor: nil, summary: "CLIP's vision tower alone",
            classes: [("CLIPVisionModel", CLIPVisionModel.self)], head: .none, inputs: ["pixel_values": .values]),
        Family(
            modelType: "wav2vec2", constructor: "Wav2Vec2",
            summary: "A Wav2Vec2 (Wav2Vec2Model; ForSequenceClassification with num_labels=, "
                + "ForCTC with architectures={\"Wav2Vec2ForCTC\"}) from config.json fields",
            classes: [
                ("Wav2Vec2Model", Wav2Vec2Model.self), ("Wav2Vec2ForCTC", Wav2Vec2ForCTC.self),
                ("Wav2Vec2ForSequenceClassification", Wav2Vec2ForSequenceClassification.self),
            ],
            head: .selects("Wav2Vec2ForSequenceClassification"),
            inputs: ["input_values": .values, "attention_mask": .any, "labels": .any]),
        Family(
            modelType: "bert", constructor: "BERT",
            summary: "A BERT (BertModel; BertForSequenceClassification with num_labels=) from config.json fields",
            classes: [
                ("BertModel", BertModel.self), ("BertForSequenceClassification", BertForSequenceClassification.self),
            ],
            head: .selects("BertForSequenceClassification"),
            inputs: [
                "input_ids": .ids, "attention_mask": .any, "token_type_ids": .ids, "position_ids": .ids, "labels": .any,
            ]),
        Family(
            modelType: "uniter", constructor: "UNITER",
            summary:
                "A UNITER (text + image regions, ITM head; num_labels= adds a classifier, audio_config= audio tokens) "
                + "from config.json fields",
            classes: [("UniterModel", UNITERModel.self)], head: .sized,
            inputs: [
                "input_ids": .ids, "attention_mask": .any, "token_type_ids": .ids, "position_ids": .ids,
                "img_feat": .values, "img_pos_feat": .values, "img_attention_mask": .any, "gather_index": .ids,
                "attn_masks": .any, "labels": .any, "itm_labels": .ids, "input_values": .values,
                "audio_attention_mask": .any,
            ]),
        Family(
            modelType: "ember-fusion", constructor: "Fusion",
            summary: "Ember's video + voice classifier: a ViT over the frames and a Wav2Vec2 over the waveform, "
                + "fused; called with a loader batch {pixel_values=, input_values=, attention_mask=, labels=}",
            classes: [("EmberFusionModel", FusionModel.self)], head: .sized,
            inputs: ["pixel_values": .values, "input_values": .values, "attention_mask": .any, "labels": .any]),
    ]

    /// Every input some family's models read, by name.
    public static let inputKinds: [String: ModelInput.Kind] = families.reduce(into: [:]) { kinds, family in
        kinds.merge(family.inputs) { first, _ in first }
    }

    /// The family of a `model_type`, if Ember builds it.
    public static func family(modelType: String) -> Family? {
        families.first { $0.modelType == modelType }
    }
}
