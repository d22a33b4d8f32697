import NN
import TensorCore

/// A model read from a folder, with what its checkpoint lacked or had extra (empty when strict).
public struct LoadedModel {
    /// The model, of the class `config.json` names, in evaluation mode.
    public let model: any PretrainedModel
    /// Parameters the checkpoint lacked and tensors the model had no place for.
    public let report: LoadReport
}

/// Building and loading models by `config.json`'s `model_type` and `architectures` (the registry,
/// ``families``): the Swift side of `nn.load(dir)` and of the `nn` model constructors.
public enum Models {
    /// The `model_type`s ``load(directory:strict:overrides:)`` and ``build(config:source:initialization:rejectingUnknownFields:)`` accept.
    public static var modelTypes: [String] { families.map(\.modelType).sorted() }

    /// Builds a model from a `config.json` object (which names its `model_type` and optionally
    /// `architectures`), initialised from scratch unless `initialization` says otherwise.
    /// - Parameter rejectingUnknownFields: refuse fields the configuration does not know (for
    ///   configurations typed by hand, see ``ModelConfig/init(json:source:rejectingUnknownFields:)``).
    /// - Throws: ``ModelError/config(_:)`` naming `source` and the field at fault.
    public static func build(
        config json: [String: JSONValue], source: String = "config",
        initialization: WeightInitialization = .huggingFace, rejectingUnknownFields: Bool = false
    ) throws -> any PretrainedModel {
        guard let typeValue = json["model_type"] else {
            // UNITER's repository configs name no model type; UNITERModel.load reads them.
            throw ModelError.config(
                "\(source): missing required field 'model_type' (for a UNITER repository config, load with UNITERModel)"
            )
        }
        guard case .string(let type) = typeValue else {
            throw ModelError.config("\(source): field 'model_type': expected a string")
        }
        guard let family = family(modelType: type) else {
            throw ModelError.config(
                "\(source): field 'model_type': '\(type)' is not one Ember builds (\(modelTypes.joined(separator: ", ")))"
            )
        }
        return try make(family.modelClass(for: json), json, source, initialization, rejectingUnknownFields)
    }

    /// The fields of the `config.json` at `path` (a regular file of at most 16 MiB).
    /// - Throws: ``ModelError/config(_:)`` naming the file: missing, not a regular file, too
    ///   large, not a JSON object.
    public static func readConfig(at path: String) throws -> [String: JSONValue] { try readJSONObject(path) }

    /// Reads a Hugging Face model folder: builds the architecture `config.json` names and loads
    /// its weights (see ``PretrainedModel/loadCheckpoint(directory:strict:)``). The model is
    /// returned in evaluation mode, as `from_pretrained` does.
    /// - Parameter overrides: `config.json` fields to replace before building, as
    ///   `from_pretrained(dir, num_labels=5)` does: `model_type` for a folder whose config lacks
    ///   it (UNITER's), `architectures` and `num_labels`/`id2label` to put a new head on a
    ///   backbone checkpoint (load it with `strict: false`; the head is reported missing).
    public static func load(directory: String, strict: Bool = true, overrides: [String: JSONValue] = [:]) throws
        -> LoadedModel
    {
        let path = directory + "/config.json"
        let config = try readJSONObject(path).merging(overrides) { $1 }
        // A strict load overwrites every weight; a lenient one keeps Hugging Face's initial values
        // for what the checkpoint lacks, as from_pretrained does.
        let model = try build(config: config, source: path, initialization: strict ? .fromCheckpoint : .huggingFace)
        let report = try model.loadCheckpoint(directory: directory, strict: strict)
        model.eval()
        return LoadedModel(model: model, report: report)
    }

    private static func make<M: ConfiguredModel>(
        _ type: M.Type, _ json: [String: JSONValue], _ source: String, _ initialization: WeightInitialization,
        _ rejectingUnknownFields: Bool
    ) throws -> any PretrainedModel {
        let config = try M.Config(json: json, source: source, rejectingUnknownFields: rejectingUnknownFields)
        return try M(config: config, initialization: initialization)
    }
}

extension ConfiguredModel {
    /// Reads a model folder into this architecture (whatever `config.json`'s `architectures`
    /// says), in evaluation mode. See ``PretrainedModel/loadCheckpoint(directory:strict:)``;
    /// when not strict, parameters the checkpoint lacks keep Hugging Face's initial values.
    public static func load(directory: String, strict: Bool = true) throws -> Self {
        let config = try Config(contentsOf: directory + "/config.json")
        let model = try Self(config: config, initialization: strict ? .fromCheckpoint : .huggingFace)
        try model.loadCheckpoint(directory: directory, strict: strict)
        return model.eval()
    }
}
