import NN
import TensorCore

extension Wav2Vec2Config {
    /// Typed access to `config.json` fields: a missing field takes the default, a field of the
    /// wrong type or value is an error naming the file and the field.
    struct Fields {
        let json: [String: JSONValue]
        let source: String

        func error(_ key: String, _ problem: String) -> TensorError {
            TensorError.invalidArgument("\(source): field '\(key)' \(problem)")
        }

        func int(_ key: String, _ fallback: Int, minimum: Int? = nil) throws -> Int {
            guard let value = json[key] else { return fallback }
            let n = try integer(key, value)
            if let minimum, n < minimum { throw error(key, "must be at least \(minimum), got \(n)") }
            return n
        }

        /// An integer that may be `null` (`vocab_size`, `pad_token_id`).
        func optionalInt(_ key: String, _ fallback: Int?) throws -> Int? {
            guard let value = json[key] else { return fallback }
            return value == .null ? nil : try integer(key, value)
        }

        func double(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = json[key] else { return fallback }
            guard case .number(let x) = value else { throw error(key, "must be a number, got \(show(value))") }
            return x
        }

        func bool(_ key: String, _ fallback: Bool) throws -> Bool {
            guard let value = json[key] else { return fallback }
            guard case .bool(let b) = value else { throw error(key, "must be true or false, got \(show(value))") }
            return b
        }

        func string(_ key: String) throws -> String? {
            guard let value = json[key] else { return nil }
            guard case .string(let s) = value else { throw error(key, "must be a string, got \(show(value))") }
            return s
        }

        func ints(_ key: String, _ fallback: [Int]) throws -> [Int] {
            guard let value = json[key] else { return fallback }
            guard case .array(let items) = value else {
                throw error(key, "must be a list of integers, got \(show(value))")
            }
            return try items.map { try integer(key, $0) }
        }

        func activation(_ key: String, _ fallback: Activation) throws -> Activation {
            try choice(key, fallback, among: Activation.allCases)
        }

        func choice<T: RawRepresentable<String>>(_ key: String, _ fallback: T, among options: [T]) throws -> T {
            guard let name = try string(key) else { return fallback }
            guard let v = T(rawValue: name), options.contains(where: { $0.rawValue == name }) else {
                throw error(
                    key,
                    "is \"\(name)\"; expected one of \(options.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            return v
        }

        /// `id2label` (`{"0": "cat", …}`), or `num_labels` generic names; `num_labels` wins when
        /// both are given and disagree, as in `transformers`.
        func labels(default fallback: [Int: String]) throws -> [Int: String] {
            var labels = fallback
            if let value = json["id2label"], value != .null {
                guard case .object(let entries) = value else {
                    throw error("id2label", "must be an object of id → name, got \(show(value))")
                }
                labels = [:]
                for (id, name) in entries {
                    guard let i = Int(id), i >= 0 else { throw error("id2label", "has key \"\(id)\", not a class id") }
                    guard case .string(let s) = name else {
                        throw error("id2label", "entry \"\(id)\" must be a string")
                    }
                    labels[i] = s
                }
                guard labels.keys.sorted() == Array(0..<labels.count) else {
                    throw error("id2label", "ids must be 0..<\(labels.count), got \(labels.keys.sorted())")
                }
            }
            if json["num_labels"] != nil {
                let n = try int("num_labels", labels.count, minimum: 1)
                if n != labels.count || json["id2label"] == nil {
                    labels = Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, "LABEL_\($0)") })
                }
            }
            return labels
        }

        private func integer(_ key: String, _ value: JSONValue) throws -> Int {
            guard case .number(let x) = value, x.rounded() == x, abs(x) < 1e15 else {
                throw error(key, "must be an integer, got \(show(value))")
            }
            return Int(x)
        }

        private func show(_ value: JSONValue) -> String {
            switch value {
            case .null: return "null"
            case .bool(let b): return String(b)
            case .number(let x): return String(x)
            case .string(let s): return "\"\(s)\""
            case .array: return "a list"
            case .object: return "an object"
            }
        }
    }
}
