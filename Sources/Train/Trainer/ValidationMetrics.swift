import TensorCore

/// What a validation pass measured: scalar metrics by name and, for classifiers, the confusion
/// matrix.
public struct ValidationResult: Sendable {
    /// `loss` always; `accuracy`, `f1`, `top<k>` for classifiers; `recall@<k>` (the mean over
    /// directions) and `<query>_to_<item>_recall@<k>` (`image_to_text_recall@1`) for contrastive
    /// models.
    public var metrics: [String: Double]
    /// Rows are true classes, columns predictions; nil unless classification metrics ran.
    public var confusion: ConfusionMatrix?
    /// The optimizer steps and the epochs whose training was done when it ran.
    public var step: Int
    public var epoch: Int
}

/// Gathers a validation pass batch by batch — losses, predictions against labels, embeddings —
/// and computes the metrics at the end.
///
/// Which metrics: those named, or when none are named, what the outputs allow: `accuracy`,
/// `f1` and `confusion` when the model returns `logits` `[B, C]` and the batch has int64
/// `labels` `[B]`; retrieval recall@k between every pair of `image_embeds`, `text_embeds` and
/// `audio_embeds` when the model is contrastive (returns `logits_per_*`). Recall is computed over
/// the whole pass, each sample's match being its own other-modality embedding.
struct ValidationMetrics {
    static let embeddingNames = ["image", "text", "audio"]

    static func isKnown(_ name: String) -> Bool {
        ["accuracy", "f1", "confusion", "recall"].contains(name) || topK(name) != nil
    }

    /// k of `top<k>` (`top5` → 5).
    static func topK(_ name: String) -> Int? {
        guard name.hasPrefix("top"), let k = Int(name.dropFirst(3)), k >= 1 else { return nil }
        return k
    }

    let requested: [String]?
    let recallCutoffs: [Int]
    private var lossSum = 0.0
    private var samples = 0
    private var predictions: [Int] = [], labels: [Int] = []
    private var classCount = 0
    private var scores: [Tensor] = []
    private var scoreLabels: [Tensor] = []
    private var embeddings: [String: [Tensor]] = [:]
    private var contrastive = false
    private var outputNames: Set<String> = []

    init(requested: [String]?, recallCutoffs: [Int]) {
        self.requested = requested
        self.recallCutoffs = recallCutoffs
    }

    private var wantsTopK: Bool { requested?.contains { Self.topK($0) != nil } ?? false }

    /// Adds one batch's loss (a mean over `count` samples), outputs and labels.
    mutating func add(loss: Double, count: Int, outputs: [String: Tensor], labels: Tensor?) throws {
        lossSum += loss * Double(count)
        samples += count
        outputNames.formUnion(outputs.keys)
        if let logits = outputs["logits"], logits.rank == 2, let labels, labels.dtype == .int64,
            labels.shape == [logits.shape[0]]
        {
            classCount = max(classCount, logits.shape[1])
            let kept = zip(try Metrics.classIds(logits), labels.toArray(of: Int64.self)).filter { $0.1 >= 0 }
            predictions += kept.map(\.0)
            self.labels += kept.map { Int($0.1) }
            if wantsTopK {
                scores.append(logits.detached().copied())
                scoreLabels.append(labels.copied())
            }
        }
        if outputs.keys.contains(where: { $0.hasPrefix("logits_per_") }) { contrastive = true }
        guard requested?.contains("recall") ?? contrastive else { return }
        for name in Self.embeddingNames {
            if let e = outputs[name + "_embeds"], e.rank == 2 {
                embeddings[name, default: []].append(e.detached().copied())
            }
        }
    }

    /// The metrics of everything added.
    /// - Throws: ``TrainingError/setup(_:)`` when a requested metric cannot be computed from
    ///   what the model returned.
    func result(step: Int, epoch: Int) throws -> ValidationResult {
        var metrics: [String: Double] = ["loss": samples > 0 ? lossSum / Double(samples) : .nan]
        var confusion: ConfusionMatrix?
        let classifies = !labels.isEmpty
        let names =
            requested ?? ((classifies ? ["accuracy", "f1", "confusion"] : []) + (contrastive ? ["recall"] : []))
        for name in names {
            switch name {
            case "accuracy", "f1", "confusion":
                guard classifies else {
                    throw missing(name, "the model's logits [B, C] and the batch's int64 labels [B]")
                }
                if name == "accuracy" { metrics[name] = try Metrics.accuracy(predictions: predictions, labels: labels) }
                if name == "f1" { metrics[name] = try Metrics.macroF1(predictions: predictions, labels: labels) }
                if name == "confusion" {
                    confusion = try ConfusionMatrix(predictions: predictions, labels: labels, classCount: classCount)
                }
            case "recall":
                try addRecall(to: &metrics)
            default:
                let k = Self.topK(name)!
                guard !scores.isEmpty else {
                    throw missing(name, "the model's logits [B, C] and the batch's int64 labels [B]")
                }
                metrics[name] = try Metrics.topKAccuracy(
                    Tensor.cat(scores, axis: 0), labels: Tensor.cat(scoreLabels, axis: 0), k: k)
            }
        }
        return ValidationResult(metrics: metrics, confusion: confusion, step: step, epoch: epoch)
    }

    /// Recall@k in both directions between each pair of modalities, and their mean per k.
    private func addRecall(to metrics: inout [String: Double]) throws {
        let present = try Self.embeddingNames.compactMap { name -> (String, Tensor)? in
            guard let parts = embeddings[name] else { return nil }
            let all = try Tensor.cat(parts, axis: 0)
            return (name, try all / all.norm(axes: [1], keepingAxes: true).clamped(min: 1e-12))
        }
        guard present.count >= 2 else {
            throw missing("recall", "two of image_embeds, text_embeds and audio_embeds from the model")
        }
        var sums: [Int: Double] = [:]
        var directions = 0
        for (i, (a, ea)) in present.enumerated() {
            for (b, eb) in present[(i + 1)...] {
                let similarity = try ea.matmul(eb.t())  // [N, N]: row = query a, column = item b
                for (query, item, s) in [(a, b, similarity), (b, a, try similarity.t())] {
                    let recall = try Metrics.recallAtK(s, ks: recallCutoffs)
                    for (k, value) in recall {
                        metrics["\(query)_to_\(item)_recall@\(k)"] = value
                        sums[k, default: 0] += value
                    }
                    directions += 1
                }
            }
        }
        for (k, sum) in sums { metrics["recall@\(k)"] = sum / Double(directions) }
    }

    private func missing(_ metric: String, _ needs: String) -> TrainingError {
        let seen = outputNames.sorted().joined(separator: ", ")
        return .setup(
            "validate: metric '\(metric)' needs \(needs); the outputs were: \(seen.isEmpty ? "none" : seen)"
                + " (return them with the loss to get metrics)")
    }
}
