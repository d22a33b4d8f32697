import FoundationEssentials
import NN
import TensorCore

/// A model configuration that reads and writes Hugging Face `config.json` field names.
///
/// Conforming types decode every field with Hugging Face's default when it is absent (or
/// `null`), so a `config.json` written by any `transformers` version loads; fields they do not
/// know are ignored when reading a file. ``init(json:source:rejectingUnknownFields:)`` can
/// instead reject them, for configs typed by hand (a misspelt `hidden_sise` should not pass
/// silently).
public protocol ModelConfig: Codable, Sendable, Equatable {
    /// The `config.json` fields this type reads (the generic ones in ``ignoredConfigFields`` are
    /// accepted everywhere).
    static var fieldNames: Set<String> { get }
    /// Decodes a configuration from a JSON object; errors name `source` and the field. The
    /// default decodes through `Codable` with Hugging Face's defaults.
    init(json: [String: JSONValue], source: String) throws
}

/// Fields every Hugging Face config may carry that no Ember model needs (bookkeeping, generation
/// and export settings). They are accepted and dropped.
public let ignoredConfigFields: Set<String> = [
    "architectures", "model_type", "transformers_version", "dtype", "torch_dtype", "_name_or_path",
    "use_cache", "gradient_checkpointing", "return_dict", "output_hidden_states", "output_attentions",
    "chunk_size_feed_forward", "tie_word_embeddings", "is_encoder_decoder", "add_cross_attention",
    "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id",
    "initializer_factor", "finetuning_task", "tokenizer_class", "prefix", "task_specific_params",
    "problem_type", "id2label", "label2id", "num_labels",
]

extension ModelConfig {
    /// Decodes through `Codable`, ignoring fields the type does not know.
    public init(json: [String: JSONValue], source: String) throws {
        try self.init(json: json, source: source, rejectingUnknownFields: false)
    }

    /// Decodes a configuration from a JSON object.
    /// - Parameters:
    ///   - source: names the origin in errors (a file path, or `nn.ViT` for a Lua table).
    ///   - rejectingUnknownFields: when true, a field that neither this type nor
    ///     ``ignoredConfigFields`` knows is an error naming it.
    /// - Throws: ``ModelError/config(_:)`` naming `source` and the field.
    public init(json: [String: JSONValue], source: String = "config", rejectingUnknownFields: Bool) throws {
        if rejectingUnknownFields,
            let bad = json.keys.sorted().first(where: {
                !Self.fieldNames.contains($0) && !ignoredConfigFields.contains($0)
            })
        {
            throw ModelError.config(
                "\(source): unknown field '\(bad)' (known fields: \(Self.fieldNames.sorted().joined(separator: ", ")))")
        }
        let data = try JSONEncoder().encode(json)
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.config("\(source): \(configErrorText(error))")
        }
    }

    /// Reads the `config.json` at `path`.
    public init(contentsOf path: String) throws {
        try self.init(json: try readJSONObject(path), source: path)
    }

    /// The configuration as `config.json` fields.
    public var json: [String: JSONValue] {
        // Encoding plain structs of numbers, strings and arrays cannot fail.
        let data = try! JSONEncoder().encode(self)
        guard case .object(let fields) = try! JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        return fields
    }
}

/// Reads a JSON object from a file, naming the file in errors.
func readJSONObject(_ path: String) throws -> [String: JSONValue] {
    guard FileManager.default.fileExists(atPath: path) else { throw ModelError.config("\(path): no such file") }
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

/// "field 'text_config.hidden_size': expected Int, found a string" from a decoding error.
private func configErrorText(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing required field '\(path(context.codingPath + [key]))'"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
        return "field '\(path(context.codingPath))': expected \(typeName(type)) (\(context.debugDescription))"
    case .dataCorrupted(let context):
        return "field '\(path(context.codingPath))': \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}

private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: return "an integer"
    case is Double.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default: return "\(type)"
    }
}

extension KeyedDecodingContainer {
    /// The field's value, or `fallback` when it is absent or null.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

/// Hidden size and head count must be positive and divide evenly.
func checkTransformerShape<K: CodingKey>(
    _ c: KeyedDecodingContainer<K>, hidden: K, heads: K, _ hiddenSize: Int, _ headCount: Int
) throws {
    guard hiddenSize > 0 else {
        throw DecodingError.dataCorruptedError(
            forKey: hidden, in: c, debugDescription: "must be positive, got \(hiddenSize)")
    }
    guard headCount > 0, hiddenSize % headCount == 0 else {
        throw DecodingError.dataCorruptedError(
            forKey: heads, in: c, debugDescription: "hidden size \(hiddenSize) is not a multiple of \(headCount) heads")
    }
}

/// The activation name must be one Ember implements.
func checkActivation<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K, _ name: String) throws {
    do { _ = try Activation(config: name) } catch {
        throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(error)")
    }
}
