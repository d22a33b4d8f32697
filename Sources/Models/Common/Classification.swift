import NN
import TensorCore

/// The class labels of a classification head, stored as Hugging Face configs store them:
/// `id2label` (`{"0": "cat", …}`) and `label2id`, or just `num_labels` in a hand-written config.
public struct ClassLabels: Codable, Sendable, Equatable {
    /// Label names; the index is the class id.
    public var names: [String]
    /// `problem_type`: `"single_label_classification"`, `"multi_label_classification"`,
    /// `"regression"`, or nil to infer it from the labels (as Hugging Face does).
    public var problemType: String?

    /// The number of classes.
    public var count: Int { names.count }

    /// `count` labels named `LABEL_0`, `LABEL_1`, … (Hugging Face's defaults).
    public init(count: Int, problemType: String? = nil) {
        names = (0..<count).map { "LABEL_\($0)" }
        self.problemType = problemType
    }

    /// Labels with these names, in class-id order.
    public init(names: [String], problemType: String? = nil) {
        self.names = names
        self.problemType = problemType
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id2label, label2id, numLabels = "num_labels", problemType = "problem_type"
    }

    /// The `config.json` fields that hold the labels.
    static let fieldNames = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        problemType = try c.decodeIfPresent(String.self, forKey: .problemType)
        let allowed = ["single_label_classification", "multi_label_classification", "regression"]
        if let p = problemType, !allowed.contains(p) {
            throw DecodingError.dataCorruptedError(
                forKey: .problemType, in: c,
                debugDescription: "expected one of \(allowed.joined(separator: ", ")), got '\(p)'")
        }
        if let table = try c.decodeIfPresent([String: String].self, forKey: .id2label) {
            var byID: [Int: String] = [:]
            for (key, name) in table {
                guard let id = Int(key), id >= 0, id < table.count else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .id2label, in: c,
                        debugDescription: "keys must be the class ids 0..<\(table.count), found '\(key)'")
                }
                byID[id] = name
            }
            names = (0..<table.count).map { byID[$0]! }
            if let n = try c.decodeIfPresent(Int.self, forKey: .numLabels), n != names.count {
                throw DecodingError.dataCorruptedError(
                    forKey: .numLabels, in: c,
                    debugDescription: "\(n) disagrees with the \(names.count) entries of id2label")
            }
        } else {
            let n = try c.decode(Int.self, forKey: .numLabels)
            do { try ConfigLimits.classes.check(("num_labels", n)) } catch let issue as ConfigIssue {
                throw DecodingError.dataCorruptedError(forKey: .numLabels, in: c, debugDescription: issue.problem)
            }
            names = (0..<n).map { "LABEL_\($0)" }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(
            Dictionary(uniqueKeysWithValues: names.enumerated().map { (String($0.offset), $0.element) }),
            forKey: .id2label)
        // Duplicate names would make label2id ambiguous; Hugging Face keeps the last id.
        try c.encode(
            Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { $1 }), forKey: .label2id)
        try c.encodeIfPresent(problemType, forKey: .problemType)
    }
}

/// The loss of a sequence/image classification head, chosen as Hugging Face does: the config's
/// `problem_type`, or else regression for one label, single-label cross-entropy for integer
/// labels and multi-label BCE for float labels.
/// - Parameters:
///   - logits: `[B, C]`.
///   - labels: int64 `[B]` class ids, or float `[B, C]` targets (`[B]` for regression).
func classificationLoss(logits: Tensor, labels: Tensor, problemType: String?, model: String) throws -> Tensor {
    let classes = logits.shape[1]
    let kind =
        problemType
        ?? (classes == 1
            ? "regression" : labels.dtype == .int64 ? "single_label_classification" : "multi_label_classification")
    switch kind {
    case "regression":
        let y = labels.converted(to: .float32)
        if classes == 1 { return try Loss.mse(logits.reshaped([-1]), y.reshaped([-1])) }
        guard y.shape == logits.shape else {
            throw ModelError.input("\(model): regression labels must be \(logits.shape), got \(labels.shape)")
        }
        return try Loss.mse(logits, y)
    case "single_label_classification":
        guard labels.dtype == .int64 else {
            throw ModelError.input("\(model): labels must be int64 class ids, got \(labels.dtype)")
        }
        return try Loss.crossEntropy(logits.reshaped([-1, classes]), labels.reshaped([-1]))
    default:
        guard labels.shape == logits.shape else {
            throw ModelError.input(
                "\(model): multi-label targets must be \(logits.shape) like the logits, got \(labels.shape)")
        }
        return try Loss.bceWithLogits(logits, labels.converted(to: .float32))
    }
}

/// The linear classification head (`classifier.*`) of Hugging Face's `…ForSequenceClassification`
/// and `…ForImageClassification` over a backbone's pooled features: its initialisation, logits and
/// loss, and its checkpoint keys beside the backbone's.
struct ClassifierHead {
    let linear: Linear
    let labels: ClassLabels

    /// `width` → `labels.count`, with Hugging Face's N(0, std²) weight and zero bias from scratch.
    init(width: Int, labels: ClassLabels, std: Double, initialization: WeightInitialization) {
        self.labels = labels
        linear = Linear(width, labels.count)
        if initialization == .huggingFace { initializeWeights(of: linear, std: std) }
    }

    /// `logits` `[B, num_labels]` of `features` `[B, D]`, and `loss` when `labels` are given.
    func outputs(_ features: Tensor, labels: Tensor?, model: String) throws -> [String: Tensor] {
        let logits = try linear(features)
        var outputs = ["logits": logits]
        if let labels {
            outputs["loss"] = try classificationLoss(
                logits: logits, labels: labels, problemType: self.labels.problemType, model: model)
        }
        return outputs
    }

    /// "3 classes", for the model's summary.
    var summary: String { counted(labels.count, "class", plural: "classes") }

    /// A backbone's parameter for a checkpoint key: its prefix (`vit.`, present in a head model's
    /// file) stripped; nil for the keys `ignored` names (heads and buffers it lacks) and for the
    /// pooler when it was built without one.
    static func backboneParameterName(
        _ key: String, prefix: String, hasPooler: Bool, ignoring ignored: (String) -> Bool
    ) -> String? {
        let k = key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key
        return ignored(k) || (!hasPooler && k.hasPrefix("pooler.")) ? nil : k
    }

    /// The parameter a checkpoint key loads into: `classifier.*` as is, the rest through the
    /// backbone's rules under its prefix (`vit.`), so a bare backbone checkpoint loads too.
    static func parameterName(_ key: String, backbone prefix: String, _ backbone: (String) -> String?) -> String? {
        key.hasPrefix("classifier.") ? key : backbone(key).map { prefix + $0 }
    }
}
