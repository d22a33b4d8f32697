import Lua
import Models
import NN
import TensorCore

/// Hugging Face folders: `nn.load(dir)`, `m:save(dir)`, and `m.config`.
extension NNLibrary {
    static func registerLoading(_ library: LuaLibrary) {
        library.function(
            "load", "nn.load(dir[, {strict=true, num_labels=, model_type=}]) -> Module[, report]",
            "Reads a Hugging Face model folder (config.json + model.safetensors, sharded safetensors or pytorch_model.bin), "
                + "the class picked from config.json; in eval mode. strict=false also returns {missing_keys=, unexpected_keys=}"
        ) { call in
            try call.expectAtMost(2)
            let directory = try call.string(at: 1)
            let options = try call.options(at: 2, allowed: ["strict", "num_labels", "model_type"])
            let numLabels = try options.integer("num_labels")
            // A new head is missing from the checkpoint by definition, as from_pretrained(dir, num_labels=) warns.
            let strict = try options.boolean("strict") ?? (numLabels == nil)
            var overrides: [String: JSONValue] = [:]
            if let type = try options.string("model_type") { overrides["model_type"] = .string(type) }
            if let numLabels {
                guard numLabels >= 1 else {
                    throw LuaArgumentError(
                        position: 2, message: "option 'num_labels': must be at least 1, got \(numLabels)")
                }
                try overrides.merge(head(of: numLabels, for: directory, overrides)) { $1 }
            }
            let loaded = try reportingLoadErrors(directory) {
                try Models.load(directory: directory, strict: strict, overrides: overrides)
            }
            try call.push(object: loaded.model as Module)
            return strict ? 1 : 1 + pushReport(loaded.report, on: call)
        }
    }

    /// The methods only models have: `m:save(dir)` and `m.config`.
    static func registerModelMethods(_ type: LuaUserType<Module>) {
        type.method(
            "save", "m:save(dir)",
            "Writes a Hugging Face model folder (config.json + model.safetensors) that nn.load and transformers' "
                + "from_pretrained read back"
        ) { m, call in
            try call.expectAtMost(2)
            let directory = try call.string(at: 2)
            guard let model = m as? any PretrainedModel else {
                throw LuaMessageError(
                    "\(m.typeName):save: only models (nn.ViT, nn.load, …) save as Hugging Face folders; "
                        + "save a layer's weights with tensor.save(path, m:state_dict())")
            }
            try reportingModelErrors { try model.save(directory: directory) }
            return 0
        }
        type.property(
            "config", "m.config -> table | nil",
            "A model's configuration with config.json's field names (model_type, architectures, hidden_size, "
                + "id2label as a list of names, …); nil for a layer"
        ) { m, call in
            guard let model = m as? any PretrainedModel else { return call.pushNil() }
            var json = model.configJSON
            json["model_type"] = .string(Swift.type(of: model).modelType)
            json["architectures"] = .array([.string(model.architecture)])
            return call.push(ConfigTables.luaValue(.object(json)))
        }
    }

    /// The `config.json` fields that give the folder's model a head of `count` classes, as
    /// `from_pretrained(dir, num_labels=)` sets them: the class the family's labels select (the
    /// registry's ``Models/Models/Family/head``), `num_labels`, and generic `id2label`
    /// names unless the folder's already number `count`. When config.json cannot be read,
    /// Models.load reports what is wrong with it.
    private static func head(of count: Int, for directory: String, _ overrides: [String: JSONValue]) throws -> [String:
        JSONValue]
    {
        let config = (try? Models.readConfig(at: directory + "/config.json")) ?? [:]
        var fields: [String: JSONValue] = ["num_labels": .number(Double(count))]
        var named = false
        if case .object(let names)? = config["id2label"] { named = names.count == count }
        if !named {
            fields["id2label"] = .object(
                Dictionary(uniqueKeysWithValues: (0..<count).map { (String($0), .string("LABEL_\($0)")) }))
        }
        guard case .string(let type)? = overrides["model_type"] ?? config["model_type"],
            let family = Models.family(modelType: type)
        else { return fields }
        switch family.head {
        case .none: throw LuaMessageError("nn.load: option 'num_labels': a '\(type)' model has no classification head")
        case .sized: return fields
        case .selects(let classifier): fields["architectures"] = .array([.string(classifier)])
        }
        return fields
    }

    /// Models' load errors as Lua errors; the hint for UNITER's configs speaks Lua.
    private static func reportingLoadErrors<R>(_ directory: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ModelError {
            let text = error.description.replacing(
                "(for a UNITER repository config, load with UNITERModel)",
                with: "(for a UNITER repository config: nn.load(dir, {model_type=\"uniter\"}))")
            throw LuaMessageError("nn.load: \(text)")
        }
    }
}
