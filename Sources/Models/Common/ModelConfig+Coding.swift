import FoundationEssentials
import TensorCore

// MARK: - Reading and writing config.json fields

/// Where a configuration is being read: the source errors name, the path of a nested
/// configuration (`text_config.`), and whether unknown fields are errors.
struct ConfigContext {
    let source: String
    let path: String
    let rejectingUnknownFields: Bool

    /// The context of the nested configuration under `field`.
    func nested(_ field: String) -> ConfigContext {
        ConfigContext(source: source, path: path + field + ".", rejectingUnknownFields: rejectingUnknownFields)
    }

    /// "nn.ViT: field 'num_hidden_layers': must be …".
    func error(_ issue: ConfigIssue) -> ModelError {
        .config("\(source): field '\(path)\(issue.field)': \(issue.problem)")
    }
}

/// Fields that `save` writes itself: read past, never kept.
private let writtenBySave: Set<String> = [
    "model_type", "architectures", "transformers_version", "dtype", "torch_dtype", "_name_or_path",
]

extension ModelConfig {
    static var hasLabels: Bool { CodingKeys(stringValue: "labels") != nil }
    private static var keepsExtra: Bool { CodingKeys(stringValue: "extra") != nil }

    /// Decodes `json` (Hugging Face's field layout) over the defaults, then validates.
    static func decoded(_ json: [String: JSONValue], _ context: ConfigContext) throws -> Self {
        if let type = modelType, let given = json["model_type"], given != .string(type) {
            throw context.error(ConfigIssue("model_type", "must be \"\(type)\", got \(given.shortText)"))
        }
        if context.rejectingUnknownFields { try checkFieldNames(json.keys, context) }
        guard case .object(var fields) = Self().internalJSON else { preconditionFailure("a struct encodes an object") }
        var extra: [String: JSONValue] = [:], labels: [String: JSONValue] = [:]
        var flattened: [String: [String: JSONValue]] = [:]
        let own = Set(CodingKeys.allCases.map(\.rawValue)).subtracting(["labels", "extra"])
        let labelled = hasLabels && (json["id2label"] != nil || json["num_labels"] != nil)
        for (key, value) in json.sorted(by: { $0.key < $1.key }) {  // in order, so the first error is always the same
            if let nested = nestedConfigs[key] {
                fields[key] = try nested.internalForm(of: value, context.nested(key))
            } else if own.contains(key), flattenedConfigs[key] == nil {
                fields[key] = value
            } else if labelled && ClassLabels.fieldNames.contains(key) {
                labels[key] = value
            } else if let member = flattenedConfigs.first(where: { $0.value.fieldNames.contains(key) })?.key {
                flattened[member, default: [:]][key] = value
            } else if !writtenBySave.contains(key) {
                extra[key] = value
            }
        }
        for (member, type) in flattenedConfigs.sorted(by: { $0.key < $1.key }) {  // given fields over the defaults
            let defaults = type.externalForm(fields[member] ?? .null)
            fields[member] = try type.internalForm(
                of: .object(defaults.merging(flattened[member] ?? [:]) { $1 }), context)
        }
        if labelled { fields["labels"] = encodedJSON(try decode(ClassLabels.self, from: .object(labels), context)) }
        if keepsExtra { fields["extra"] = .object(extra) }
        let config = try decode(Self.self, from: .object(fields), context)
        do { try config.validate() } catch let issue as ConfigIssue { throw context.error(issue) }
        return config
    }

    /// A nested configuration's fields, decoded and checked, in the form the compiler's coding reads.
    static func internalForm(of value: JSONValue, _ context: ConfigContext) throws -> JSONValue {
        if value == .null { return .null }
        guard case .object(let json) = value else {
            let field = String(context.path.dropLast())
            throw ModelError.config("\(context.source): field '\(field)': expected a table of configuration fields")
        }
        return try decoded(json, context).internalJSON
    }

    /// What the compiler's coding writes: the `labels` and `extra` keys, nested objects as stored.
    var internalJSON: JSONValue { encodedJSON(self) }

    /// `config.json`'s layout of the compiler's coding: `labels`, `extra` and flattened members
    /// spread out, nested configurations in their own layout, `null` written where the default is
    /// not (so that reading gives `nil` back), and ``modelType``.
    static func externalForm(_ value: JSONValue) -> [String: JSONValue] {
        guard case .object(var out) = value else { return [:] }
        if case .object(let defaults) = Self().internalJSON {
            for key in defaults.keys where out[key] == nil { out[key] = .null }
        }
        if case .object(let labels)? = out.removeValue(forKey: "labels") { out.merge(labels) { $1 } }
        if case .object(let extra)? = out.removeValue(forKey: "extra") { out.merge(extra) { own, _ in own } }
        for (key, type) in nestedConfigs {
            if let inner = out[key], inner != .null { out[key] = .object(type.externalForm(inner)) }
        }
        for (key, type) in flattenedConfigs {
            if let inner = out.removeValue(forKey: key) { out.merge(type.externalForm(inner)) { $1 } }
        }
        if let modelType { out["model_type"] = .string(modelType) }
        return out
    }

    /// Fails on a field this type does not know, suggesting the nearest known name for a typo.
    private static func checkFieldNames(_ keys: some Collection<String>, _ context: ConfigContext) throws {
        let known = fieldNames.union(ignoredConfigFields)
        guard let unknown = keys.sorted().first(where: { !known.contains($0) }) else { return }
        let nearest = fieldNames.map { ($0, editDistance($0, unknown)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        let hint =
            nearest.flatMap { $0.1 <= 2 ? "did you mean '\($0.0)'?" : nil }
            ?? "known fields: \(fieldNames.sorted().joined(separator: ", "))"
        throw ModelError.config("\(context.source): unknown field '\(context.path)\(unknown)' (\(hint))")
    }
}

/// Decodes `value` with the compiler's coding, turning decoding errors into messages that name
/// the field.
private func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, _ context: ConfigContext) throws -> T {
    func attempt(_ value: JSONValue) throws -> T { try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) }
    /// The decoder names no field for a number that is not an integer (64.5, 1e20) where one is expected.
    func unnamed(_ error: Error) -> Bool {
        if case DecodingError.dataCorrupted(let place) = error { return place.codingPath.isEmpty }
        return false
    }
    do {
        return try attempt(value)
    } catch let error where unnamed(error) {
        // Find the field whose number, made 0, lets decoding pass that point.
        guard case .object(let fields) = value,
            let field = fields.keys.sorted().first(where: { key in
                var zeroed = fields
                zeroed[key] = fields[key]!.zeroingNumbers
                do { _ = try attempt(.object(zeroed)) } catch { return zeroed != fields && !unnamed(error) }
                return zeroed != fields
            })
        else { throw context.error(ConfigIssue("", "\(error)")) }
        let expected = if case .array = fields[field]! { "integers" } else { "an integer" }
        throw context.error(ConfigIssue(field, "expected \(expected), got \(fields[field]!.shortText)"))
    } catch let error as DecodingError {
        throw context.error(ConfigIssue(decodingError: error))
    } catch EncodingError.invalidValue(_, let place) {  // infinity or NaN, from a Lua table
        throw context.error(ConfigIssue(fieldPath(place.codingPath), "must be a finite number"))
    }
}

/// A value's JSON as the compiler's coding writes it. Plain structs of numbers, strings and arrays
/// always encode; a number that is not finite (only a Swift caller can set one) is written as a
/// string, which reading then refuses.
func encodedJSON(_ value: some Encodable) -> JSONValue {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try! JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
}

/// "text_config.hidden_size" from a coding path.
private func fieldPath(_ keys: [CodingKey]) -> String {
    keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
}

extension ConfigIssue {
    /// "field 'hidden_size': expected an integer (…)" from a decoding error.
    init(decodingError error: DecodingError) {
        let path = fieldPath
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path(context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init(path(context.codingPath), "expected \(typeName(type)) (\(context.debugDescription))")
        case .dataCorrupted(let context):
            self.init(path(context.codingPath), context.debugDescription)
        @unknown default:
            self.init("", "\(error)")
        }
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

extension JSONValue {
    /// The value as an error message shows it: `"bert"`, `3`, `[8.5, 3]`, `a table`.
    var shortText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number(let x): return x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x)
        case .string(let s): return "\"\(s)\""
        case .array(let items): return "[" + items.map(\.shortText).joined(separator: ", ") + "]"
        case .object: return "a table"
        }
    }

    /// The value with every number (in lists too) made 0.
    fileprivate var zeroingNumbers: JSONValue {
        switch self {
        case .number: return .number(0)
        case .array(let items): return .array(items.map(\.zeroingNumbers))
        default: return self
        }
    }
}

/// Levenshtein distance, for the typo hint.
private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var row = Array(0...b.count)  // distances from a[..<i] to each prefix of b
    for i in 1...a.count {
        var diagonal = row[0]
        row[0] = i
        for j in 1...b.count {
            let above = row[j]
            row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
            diagonal = above
        }
    }
    return row[b.count]
}
