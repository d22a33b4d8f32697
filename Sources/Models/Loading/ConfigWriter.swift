import FoundationEssentials

/// Writes `config.json` text as transformers does: two-space indentation, sorted keys, and
/// floats that stay floats — transformers 5.24's strict configs reject an integer in a float
/// field, so an integral value in one of ``floatFields`` is written `1.0`, not `1`.
enum ConfigWriter {
    /// The fields transformers 5.24 types as `float` only (ViT, BERT, CLIP and Wav2Vec2 config
    /// classes, checked by introspection), plus `logit_scale_init_value`, which it accepts as an
    /// integer but then fails to make a parameter of; every other number field takes integers.
    static let floatFields: Set<String> = [
        "initializer_range", "initializer_factor", "layer_norm_eps", "contrastive_logits_temperature",
        "diversity_loss_weight",
        "logit_scale_init_value",
    ]

    static func text(_ object: [String: JSONValue]) -> String {
        var out = ""
        write(.object(object), key: nil, indent: "", into: &out)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, key: String?, indent: String, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += quoted(s)
        case .number(let n): out += number(n, float: key.map(floatFields.contains) ?? false)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += indent + "  "
                write(item, key: key, indent: indent + "  ", into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, (name, item)) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                out += indent + "  " + quoted(name) + ": "
                write(item, key: name, indent: indent + "  ", into: &out)
                out += i == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    private static func number(_ n: Double, float: Bool) -> String {
        if n.rounded() == n, abs(n) < 1e15 { return float ? "\(Int64(n)).0" : "\(Int64(n))" }
        return "\(n)"  // Swift prints the shortest text that reads back exactly (2.6592, 1e-12)
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped, `/` and
    /// non-ASCII text as they are).
    private static func quoted(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try! encoder.encode(s), as: UTF8.self)  // a string always encodes
    }
}
