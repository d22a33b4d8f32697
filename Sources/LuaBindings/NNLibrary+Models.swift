import Lua
import Models
import NN
import TensorCore

/// The model constructors: one per family of the registry (``Models/Models/families``) —
/// `nn.ViT(cfg)`, `nn.CLIP(cfg)`, `nn.Wav2Vec2(cfg)`, `nn.BERT(cfg)`, `nn.UNITER(cfg)` from tables
/// with Hugging Face's `config.json` field names, and `nn.Fusion{...}`, whose towers may also be
/// models.
extension NNLibrary {
    static func registerModels(_ library: LuaLibrary) {
        for family in Models.families {
            guard let constructor = family.constructor else { continue }
            if family.modelType == FusionModel.modelType {
                library.function(
                    constructor,
                    "nn.Fusion{vision=<ViT cfg or model>, audio=<Wav2Vec2 cfg or model>, num_labels=, fusion=\"concat\"|\"attention\"} -> Module",
                    family.summary
                ) { call in
                    try call.expectAtMost(1)
                    guard call.type(at: 1) == .table else {
                        throw call.typeError(1, expected: "table {vision=, audio=, num_labels=}")
                    }
                    return try call.push(object: fusion(call.table(at: 1), family) as Module)
                }
                continue
            }
            library.function(constructor, "\(family.source)(cfg) -> Module", family.summary) { call in
                try call.expectAtMost(1)
                guard call.type(at: 1) == .table else {
                    throw call.typeError(1, expected: "table of config.json fields")
                }
                let fields = try ConfigTables.json(call.table(at: 1), source: family.source)
                return try call.push(object: reportingModelErrors { try family.build(fields: fields) } as Module)
            }
        }
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
