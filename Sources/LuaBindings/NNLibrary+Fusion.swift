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

    static func fusion(_ table: LuaTable, _ family: Models.Family) throws -> FusionModel {
        let source = family.source
        guard table.array.isEmpty, table.otherKeys == 0 else {
            throw LuaMessageError("\(source): the configuration must be a table of name = value fields")
        }
        var fields = table.fields
        let vision = fields.removeValue(forKey: "vision"), audio = fields.removeValue(forKey: "audio")
        guard let vision, let audio else {
            throw LuaMessageError(
                "\(source): missing required field '\(vision == nil ? "vision" : "audio")' (a ViT configuration table or model)"
            )
        }
        var rest = LuaTable()
        rest.fields = fields
        var json = try ConfigTables.json(rest, source: source)
        guard json["num_labels"] != nil || json["id2label"] != nil else {
            throw LuaMessageError("\(source): missing required field 'num_labels' (or id2label)")
        }
        for (name, tower) in [("vision", vision), ("audio", audio)] {
            if case .table(let fields) = tower {
                json[name] = .object(try ConfigTables.json(fields, source: source, path: name))
            }
        }
        if case .table = vision, case .table = audio {
            return try reportingModelErrors { try family.build(fields: json) } as! FusionModel  // ember-fusion's class
        }
        if let extra = json.keys.sorted().first(where: { !towerFusionFields.contains($0) }) {
            throw LuaMessageError(
                "\(source): field '\(extra)' needs both towers given as configuration tables; with a built or loaded tower "
                    + "the fields are vision, audio, num_labels (or id2label) and fusion")
        }
        return try reportingModelErrors {
            let config = try FusionConfig(json: json, source: source, rejectingUnknownFields: true)
            return try FusionModel(
                vision: visionTower(vision, config, source: source), audio: audioTower(audio, config, source: source),
                labels: config.labels, fusion: config.fusion)
        }
    }

    /// The vision tower: a ViT (a classifier's backbone), or one built from its configuration table.
    private static func visionTower(_ value: LuaValue, _ config: FusionConfig, source: String) throws -> ViTModel {
        switch value {
        case .object(let vit as ViTModel): return vit
        case .object(let classifier as ViTForImageClassification): return classifier.vit
        case .table: return try ViTModel(config: config.vision, addPoolingLayer: false)
        default:
            throw LuaMessageError(
                "\(source): field 'vision' must be a ViT (nn.ViT, nn.load) or its configuration table, got \(value.typeName)"
            )
        }
    }

    /// The audio tower: a Wav2Vec2 (a head model's encoder), or one built from its configuration table.
    private static func audioTower(_ value: LuaValue, _ config: FusionConfig, source: String) throws -> any AudioTower {
        switch value {
        case .object(let tower as any AudioTower): return tower
        case .object(let ctc as Wav2Vec2ForCTC): return ctc.wav2vec2
        case .object(let classifier as Wav2Vec2ForSequenceClassification): return classifier.wav2vec2
        case .table: return try Wav2Vec2Model(config: config.audio)
        default:
            throw LuaMessageError(
                "\(source): field 'audio' must be a Wav2Vec2 (nn.Wav2Vec2, nn.load) or its configuration table, got \(value.typeName)"
            )
        }
    }
}
