import Lua
import Models
import NN
import TensorCore

/// `nn.Fusion{vision=, audio=, num_labels=, fusion=}`: towers from configuration tables, from
/// models already built or loaded (`nn.load(dir)`), or one of each.
extension NNLibrary {
    /// The fields `nn.Fusion` takes with a built or loaded tower: the rest of FusionConfig's
    /// (fusion_hidden_size, …) need both towers given as tables.
    private static let towerFusionFields: Set = ["vision", "audio", "num_labels", "id2label", "label2id", "fusion"]

    static func fusion(_ table: LuaTable) throws -> FusionModel {
        let source = "nn.Fusion"
        var fields = table.fields
        let vision = fields.removeValue(forKey: "vision"), audio = fields.removeValue(forKey: "audio")
        guard let vision, let audio else {
            throw LuaMessageError(
                "\(source): missing required field '\(vision == nil ? "vision" : "audio")' (a ViT configuration table or model)"
            )
        }
        var rest = LuaTable()
        rest.fields = fields
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaMessageError("\(source): the configuration must be a table of name = value fields")
        }
        var json = try ConfigTables.json(rest, source: source)
        let mode = try fusionMode(json, source: source)
        if case .table(let visionTable) = vision, case .table(let audioTable) = audio {
            json["vision"] = .object(try ConfigTables.json(visionTable, source: source, path: "vision"))
            json["audio"] = .object(try ConfigTables.json(audioTable, source: source, path: "audio"))
            try ConfigTables.checkFields(json, known: FusionConfig.fieldNames, source: source)
            try checkTowerFields(json, source: source)
            json["model_type"] = .string(FusionModel.modelType)
            guard
                let model = try reportingModelErrors({ try Models.build(config: json, source: source) }) as? FusionModel
            else {
                preconditionFailure("ember-fusion builds a FusionModel")
            }
            return model
        }
        if let extra = json.keys.sorted().first(where: { !towerFusionFields.contains($0) }) {
            throw LuaMessageError(
                "\(source): field '\(extra)' needs both towers given as configuration tables; with a built or loaded tower "
                    + "the fields are vision, audio, num_labels (or id2label) and fusion")
        }
        let labels = try classLabels(json, source: source)
        return try reportingModelErrors {
            try FusionModel(
                vision: visionTower(vision, source: source), audio: audioTower(audio, source: source), labels: labels,
                fusion: mode)
        }
    }

    private static func checkTowerFields(_ json: [String: JSONValue], source: String) throws {
        if case .object(let vision)? = json["vision"] {
            try ConfigTables.checkFields(vision, known: ViTConfig.fieldNames, source: source, path: "vision.")
        }
        if case .object(let audio)? = json["audio"] {
            try ConfigTables.checkFields(audio, known: Wav2Vec2Config.fieldNames, source: source, path: "audio.")
        }
    }

    /// The vision tower: a ViT (a classifier's backbone) or a ViT configuration table.
    private static func visionTower(_ value: LuaValue, source: String) throws -> ViTModel {
        switch value {
        case .object(let vit as ViTModel): return vit
        case .object(let classifier as ViTForImageClassification): return classifier.vit
        case .table(let table):
            let json = try ConfigTables.json(table, source: source, path: "vision")
            try ConfigTables.checkFields(json, known: ViTConfig.fieldNames, source: source, path: "vision.")
            let config = try ViTConfig(json: json, source: "\(source) vision", rejectingUnknownFields: true)
            return try ViTModel(config: config, addPoolingLayer: false)
        default:
            throw LuaMessageError(
                "\(source): field 'vision' must be a ViT (nn.ViT, nn.load) or its configuration table, got \(value.typeName)"
            )
        }
    }

    /// The audio tower: a Wav2Vec2 (a head model's encoder) or a Wav2Vec2 configuration table.
    private static func audioTower(_ value: LuaValue, source: String) throws -> any AudioTower {
        switch value {
        case .object(let tower as any AudioTower): return tower
        case .object(let ctc as Wav2Vec2ForCTC): return ctc.wav2vec2
        case .object(let classifier as Wav2Vec2ForSequenceClassification): return classifier.wav2vec2
        case .table(let table):
            var json = try ConfigTables.json(table, source: source, path: "audio")
            try ConfigTables.checkFields(json, known: Wav2Vec2Config.fieldNames, source: source, path: "audio.")
            json["model_type"] = json["model_type"] ?? .string(Wav2Vec2Model.modelType)
            guard let tower = try Models.build(config: json, source: "\(source) audio") as? any AudioTower else {
                throw LuaMessageError(
                    "\(source): field 'audio' must configure an audio encoder (model_type \"wav2vec2\")")
            }
            return tower
        default:
            throw LuaMessageError(
                "\(source): field 'audio' must be a Wav2Vec2 (nn.Wav2Vec2, nn.load) or its configuration table, got \(value.typeName)"
            )
        }
    }

    private static func classLabels(_ json: [String: JSONValue], source: String) throws -> ClassLabels {
        if case .object(let names)? = json["id2label"] {
            let list = (0..<names.count).compactMap { id -> String? in
                if case .string(let name)? = names[String(id)] { return name } else { return nil }
            }
            guard list.count == names.count else {
                throw LuaMessageError("\(source): field 'id2label' must map the ids 0..n-1 to names")
            }
            return ClassLabels(names: list)
        }
        guard case .number(let count)? = json["num_labels"] else {
            throw LuaMessageError("\(source): missing required field 'num_labels' (or id2label)")
        }
        guard count >= 1, count.rounded() == count else {
            throw LuaMessageError("\(source): field 'num_labels' must be a positive integer, got \(count)")
        }
        return ClassLabels(count: Int(count))
    }

    private static func fusionMode(_ json: [String: JSONValue], source: String) throws -> FusionConfig.Mode {
        guard let value = json["fusion"] else { return .concat }
        guard case .string(let name) = value, let mode = FusionConfig.Mode(rawValue: name) else {
            throw LuaMessageError("\(source): field 'fusion' must be \"concat\" or \"attention\"")
        }
        return mode
    }
}
