import Foundation

/// A parsed JSON value, for the Hugging Face files whose shape varies by field
/// (`tokenizer.json`, `tokenizer_config.json`, `vocab.json`).
enum JSON: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Parses the file at `path`; errors name the file.
    static func read(_ path: String) throws -> JSON {
        let data = Data(try VocabFiles.bytes(path))
        // JSONSerialization is several times faster than JSONDecoder on 50k-entry vocabularies.
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw TokenizerError(file: path, reason: "not valid JSON")
        }
        return JSON(object)
    }

    private init(_ object: Any) {
        switch object {
        case let value as String: self = .string(value)
        case let value as NSNumber:
            // Foundation returns JSON booleans as NSNumbers whose type code is "c" (char).
            if String(cString: value.objCType) == "c" {
                self = .bool(value.boolValue)
            } else {
                self = .number(value.doubleValue)
            }
        case let value as [Any]: self = .array(value.map(JSON.init))
        case let value as [String: Any]: self = .object(value.mapValues(JSON.init))
        default: self = .null
        }
    }

    /// An integral number that fits an `Int`.
    var int: Int? {
        guard case .number(let value) = self, value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` of an object (`.null` when absent or when this is not an object).
    subscript(key: String) -> JSON {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }
}
