#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import NN
import TensorCore

/// A model configuration: Hugging Face's `config.json` fields as a struct whose JSON coding the
/// compiler writes.
///
/// A conforming struct declares each field as a property holding Hugging Face's default, and a
/// `CodingKeys` enum (`String, CodingKey, CaseIterable`) naming the fields as `config.json` does.
/// Two optional keys have a meaning of their own: `labels` (a ``ClassLabels``) stands for the
/// `id2label` / `label2id` / `num_labels` / `problem_type` fields, and `extra` (a
/// `[String: JSONValue]`) holds the fields the type does not read, so that they are written back as
/// read. Everything else is shared:
///
/// - Reading (``init(json:source:rejectingUnknownFields:)``): the given fields are merged onto the
///   defaults' and decoded; then ``validate()`` and the size limits (``ConfigLimits``) run. Fields
///   that are absent or `null` where the default is `null` take the default. Errors name the source
///   (a file, or `nn.ViT`) and the field.
/// - ``nestedConfigs`` (CLIP's `text_config`) are read by the same rules with their own defaults and
///   checks; ``flattenedConfigs`` are configurations whose fields sit at this one's level of the file
///   (UNITER's BERT fields).
/// - Writing (``json``): the fields as `config.json` holds them, `labels` and `extra` spread out.
public protocol ModelConfig: Codable, Sendable, Equatable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String>

    /// Hugging Face's defaults.
    init()
    /// The `model_type` written into the configuration's fields and required of a file that names
    /// one (`wav2vec2`, CLIP's `clip_text_model`); nil when the model writes it (the default).
    static var modelType: String? { get }
    /// Fields holding another configuration, by name (`text_config` → ``CLIPTextConfig``).
    static var nestedConfigs: [String: any ModelConfig.Type] { get }
    /// Properties holding another configuration whose fields sit beside this one's in the file,
    /// by coding key (UNITER's `bert` → ``BertConfig``).
    static var flattenedConfigs: [String: any ModelConfig.Type] { get }
    /// Checks what decoding cannot: value ranges (``ConfigLimits``), sizes that must divide, names.
    /// - Throws: ``ConfigIssue`` naming the field.
    func validate() throws
    /// How many parameters a model of this configuration has, about (the largest head counted):
    /// what the memory check compares with the machine's memory before anything is allocated.
    var parameterCount: Double { get }
}

/// Fields every Hugging Face config may carry that no Ember model reads (bookkeeping, generation
/// and export settings). They are accepted everywhere and kept with a configuration's other
/// unread fields (`extra`), except those `save` writes itself.
public let ignoredConfigFields = Set([
    "architectures", "model_type", "transformers_version", "dtype", "torch_dtype", "_name_or_path",
    "use_cache", "gradient_checkpointing", "return_dict", "output_hidden_states", "output_attentions",
    "chunk_size_feed_forward", "tie_word_embeddings", "is_encoder_decoder", "add_cross_attention",
    "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id",
    "initializer_factor", "finetuning_task", "tokenizer_class", "prefix", "task_specific_params",
]).union(ClassLabels.fieldNames)

extension ModelConfig {
    public static var modelType: String? { nil }
    public static var nestedConfigs: [String: any ModelConfig.Type] { [:] }
    public static var flattenedConfigs: [String: any ModelConfig.Type] { [:] }

    /// The `config.json` fields this type reads (the generic ones in ``ignoredConfigFields`` are
    /// accepted everywhere).
    public static var fieldNames: Set<String> {
        var names = Set(CodingKeys.allCases.map(\.rawValue)).subtracting(["labels", "extra"])
        if hasLabels { names.formUnion(ClassLabels.fieldNames) }
        for (key, type) in flattenedConfigs {
            names.remove(key)
            names.formUnion(type.fieldNames)
        }
        return names
    }

    /// Decodes a configuration from `config.json` fields (or a Lua table's), over Hugging Face's
    /// defaults.
    /// - Parameters:
    ///   - source: names the origin in errors (a file path, or `nn.ViT` for a Lua table).
    ///   - rejectingUnknownFields: when true, a field that neither this type (nor a nested one) nor
    ///     ``ignoredConfigFields`` knows is an error naming it, with the nearest known name; when
    ///     false (files) such fields are kept in `extra`.
    /// - Throws: ``ModelError/config(_:)`` naming `source`, the field and the problem.
    public init(json: [String: JSONValue], source: String = "config", rejectingUnknownFields: Bool = false) throws {
        let context = ConfigContext(source: source, path: "", rejectingUnknownFields: rejectingUnknownFields)
        self = try Self.decoded(json, context)
        try checkMemory(source: source)
    }

    /// Reads the `config.json` at `path` (fields it does not know are kept, not rejected).
    public init(contentsOf path: String) throws {
        try self.init(json: try readJSONObject(path), source: path)
    }

    /// The configuration as `config.json` holds it: Hugging Face's field names, the labels' and the
    /// kept fields spread out, `null` where the default is not.
    public var json: [String: JSONValue] { Self.externalForm(internalJSON) }

    /// The checks reading runs — ``validate()`` here and in nested configurations, the memory
    /// check — as a model's initialiser runs them on a configuration built in Swift.
    /// - Throws: ``ModelError/config(_:)`` naming `source` (the model) and the field.
    public func validated(source: String) throws {
        _ = try Self.decoded(json, ConfigContext(source: source, path: "", rejectingUnknownFields: false))
        try checkMemory(source: source)
    }
}

/// Reads a JSON object from a file, naming the file in errors. Only a regular file of at most
/// 16 MiB is read (a `config.json` is a few kilobytes): a device, a FIFO or a folder would never
/// end or never open.
func readJSONObject(_ path: String) throws -> [String: JSONValue] {
    var info = stat()
    guard stat(path, &info) == 0 else { throw ModelError.config("\(path): no such file") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw ModelError.config("\(path): not a regular file") }
    guard info.st_size <= 16 << 20 else {
        throw ModelError.config("\(path): \(info.st_size) bytes, more than the 16 MiB a configuration may have")
    }
    let data: Data
    do { data = try Data(contentsOf: URL(filePath: path)) } catch {
        throw ModelError.config("\(path): cannot read the file (\(error))")
    }
    let value: JSONValue
    do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
        throw ModelError.config("\(path): not valid JSON")
    }
    guard case .object(let object) = value else {
        throw ModelError.config("\(path): expected a JSON object at the top level")
    }
    return object
}
