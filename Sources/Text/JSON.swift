import Foundation

/// A parsed JSON value, for the Hugging Face files whose shape varies by field
/// (`tokenizer.json`, `tokenizer_config.json`, `vocab.json`).
enum JSON: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    /// Parses the file at `path`; errors name the file.
    static func read(_ path: String) throws -> JSON {
        let data = Data(try VocabFiles.bytes(path))
        do {
            return try JSONDecoder().decode(JSON.self, from: data)
        } catch {
            throw TokenizerError(file: path, reason: "not valid JSON")
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
