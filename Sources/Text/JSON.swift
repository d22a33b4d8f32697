import Foundation
import TensorCore

extension JSONValue {
    /// Parses the Hugging Face file at `path` (`tokenizer.json`, `tokenizer_config.json`,
    /// `vocab.json`); errors name the file.
    static func read(_ path: String) throws -> JSONValue {
        let data = Data(try VocabFiles.bytes(path))
        // JSONSerialization is several times faster than JSONDecoder on 50k-entry vocabularies.
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw TokenizerError(file: path, reason: "not valid JSON")
        }
        return JSONValue(serialized: object)
    }

    /// The value of what `JSONSerialization` returns.
    private init(serialized object: Any) {
        switch object {
        case let value as String: self = .string(value)
        case let value as NSNumber:
            // Foundation returns JSON booleans as NSNumbers whose type code is "c" (char).
            if String(cString: value.objCType) == "c" {
                self = .bool(value.boolValue)
            } else {
                self = .number(value.doubleValue)
            }
        case let value as [Any]: self = .array(value.map(JSONValue.init(serialized:)))
        case let value as [String: Any]: self = .object(value.mapValues(JSONValue.init(serialized:)))
        default: self = .null
        }
    }
}
