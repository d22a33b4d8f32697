import FoundationEssentials
import TensorCore

/// What is wrong with one field of a configuration, as ``ModelConfig/validate()`` reports it; the
/// reader adds the source (`nn.ViT`, a file) and the path of a nested configuration.
public struct ConfigIssue: Error, Equatable {
    /// The `config.json` field (`num_hidden_layers`).
    public let field: String
    /// What is wrong, with the limit or the accepted values.
    public let problem: String

    public init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// The sizes a configuration may ask for. Each range holds every published model with room to
/// spare (the largest are about 25 000 wide with 128 layers and 256 000 tokens) and stops what
/// cannot be meant — a negative layer count, a width of 2^40 — before anything is allocated. Sizes
/// within the ranges are then checked together: the parameters they imply must fit in the
/// machine's memory (``ModelConfig/parameterCount``).
public enum ConfigLimits {
    /// Encoder layers, and the convolutions of Wav2Vec2's feature encoder.
    public static let layers = 0...1024
    /// Widths: hidden and intermediate sizes, projections, convolution channels, feature widths.
    public static let width = 1...(1 << 18)
    /// Rows of an embedding table: the vocabulary, positions, token types.
    public static let tableRows = 1...(1 << 24)
    /// An image side or a patch side in pixels; image channels.
    public static let pixels = 1...(1 << 16)
    /// A convolution kernel's width or stride.
    public static let kernel = 1...(1 << 12)
    /// The classes of a classification head.
    public static let classes = 1...(1 << 20)
}

extension ClosedRange<Int> {
    /// Checks that each field's value lies in this range.
    /// - Throws: ``ConfigIssue`` naming the first field outside it and the limit it passes.
    func check(_ fields: (name: String, value: Int)...) throws {
        for (name, value) in fields where !contains(value) {
            let limit =
                value < lowerBound
                ? "at least \(lowerBound)" : "at most \(upperBound) (more than any real model needs)"
            throw ConfigIssue(name, "must be \(limit), got \(value)")
        }
    }
}

extension ModelConfig {
    /// Refuses a configuration whose float32 parameters alone would not fit in this machine's
    /// memory: building it could only fail, after allocating for a long time.
    func checkMemory(source: String) throws {
        let bytes = parameterCount * 4
        let memory = Double(ProcessInfo.processInfo.physicalMemory)
        guard bytes > memory else { return }
        let gib = { (bytes: Double) in "\(Int((bytes / Double(1 << 30)).rounded(.up))) GiB" }
        let count =
            parameterCount < 1e9
            ? "\(Int((parameterCount / 1e6).rounded())) million" : "\(Int((parameterCount / 1e9).rounded())) billion"
        throw ModelError.config(
            "\(source): the configuration asks for about \(count) parameters, \(gib(bytes)) of float32 weights, "
                + "more than this machine's \(gib(memory)) of memory (\(largestSizes(json).joined(separator: ", ")))")
    }
}

/// The three largest sizes of a configuration's fields, "hidden_size = 65536", nested fields with
/// their path; token ids are not sizes.
private func largestSizes(_ json: [String: JSONValue], path: String = "") -> [String] {
    func sizes(_ json: [String: JSONValue], _ path: String) -> [(String, Double)] {
        json.flatMap { key, value -> [(String, Double)] in
            switch value {
            case .number(let n) where !key.hasSuffix("_id") && n.rounded() == n: return [(path + key, n)]
            case .object(let inner) where key != "label2id": return sizes(inner, path + key + ".")
            default: return []
            }
        }
    }
    return sizes(json, path).sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(3).map { "\($0.0) = \(Int64($0.1))" }
}
