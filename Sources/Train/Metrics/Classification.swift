import TensorCore

/// Evaluation metrics as plain functions over class ids, score tensors and similarity matrices.
///
/// Class ids are 0-based, as in PyTorch and Hugging Face. Functions taking a `Tensor` of
/// predictions accept either class ids (int64 `[N]`) or scores (float `[N, C]`, reduced by
/// argmax over the last axis, the first maximum winning as in `torch.argmax`).
public enum Metrics {
    /// The fraction of predictions equal to their labels.
    /// - Throws: when the counts differ or there are no samples.
    public static func accuracy(predictions: [Int], labels: [Int]) throws -> Double {
        try checkCounts(predictions.count, labels.count, "accuracy")
        let hits = zip(predictions, labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return Double(hits) / Double(labels.count)
    }

    /// ``accuracy(predictions:labels:)`` over tensors: predictions `[N]` (ids) or `[N, C]`
    /// (scores), labels int64 `[N]`.
    public static func accuracy(_ predictions: Tensor, labels: Tensor) throws -> Double {
        try accuracy(predictions: try classIds(predictions, "accuracy"), labels: try classIds(labels, "accuracy"))
    }

    /// The fraction of samples whose label is among the `k` highest-scoring classes.
    ///
    /// Ties rank the lower class id first (as argmax does), so top-1 accuracy equals
    /// ``accuracy(_:labels:)``: a label's rank is the number of classes scoring above it plus the
    /// number of lower ids scoring the same. With k ≥ C every sample counts.
    /// - Parameters:
    ///   - scores: float `[N, C]`.
    ///   - labels: int64 `[N]`, each in `0..<C`.
    public static func topKAccuracy(_ scores: Tensor, labels: Tensor, k: Int) throws -> Double {
        guard k >= 1 else { throw TensorError.invalidArgument("top_k_accuracy: k must be >= 1, got \(k)") }
        guard scores.rank == 2 else {
            throw TensorError.shape("top_k_accuracy: scores must be [N, C], got \(scores.shape)")
        }
        let ids = try classIds(labels, "top_k_accuracy")
        let (n, c) = (scores.shape[0], scores.shape[1])
        try checkCounts(n, ids.count, "top_k_accuracy")
        let s = scores.toArray(of: Double.self)
        var hits = 0
        for (i, label) in ids.enumerated() {
            guard (0..<c).contains(label) else {
                throw TensorError.invalidArgument(
                    "top_k_accuracy: label \(label) of sample \(i) is not a class id in 0..<\(c)")
            }
            if rank(of: label, in: s[(i * c)..<((i + 1) * c)]) < k { hits += 1 }
        }
        return Double(hits) / Double(n)
    }

    /// The macro-averaged F1 score: the mean over classes of 2·TP / (2·TP + FP + FN).
    ///
    /// The classes averaged are those that occur in the labels or in the predictions, as
    /// scikit-learn's `f1_score(average="macro")` does by default; classes absent from both are
    /// left out (they have no F1). A class that is only predicted, or only labelled, scores 0.
    /// - Throws: when the counts differ, there are no samples, or an id is negative.
    public static func macroF1(predictions: [Int], labels: [Int]) throws -> Double {
        let matrix = try ConfusionMatrix(predictions: predictions, labels: labels)
        let present = (0..<matrix.classCount).filter { matrix.support($0) + matrix.predictedCount($0) > 0 }
        return present.reduce(0) { $0 + matrix.f1($1) } / Double(present.count)
    }

    /// ``macroF1(predictions:labels:)`` over tensors (ids or scores, and int64 labels).
    public static func macroF1(_ predictions: Tensor, labels: Tensor) throws -> Double {
        try macroF1(predictions: try classIds(predictions, "f1"), labels: try classIds(labels, "f1"))
    }

    // MARK: - Helpers

    /// Class ids from an int64 `[N]` tensor (or whole floats), or the argmax of a float `[N, C]`
    /// score tensor.
    /// - Throws: for other shapes, or fractional ids.
    public static func classIds(_ t: Tensor) throws -> [Int] { try classIds(t, "class_ids") }

    /// ``classIds(_:)`` naming `metric` in errors.
    static func classIds(_ t: Tensor, _ metric: String) throws -> [Int] {
        if t.rank == 2 && t.dtype.isFloatingPoint {
            return try t.argmax(axis: 1).toArray(of: Int64.self).map { Int($0) }
        }
        guard t.rank == 1 else {
            throw TensorError.shape(
                "\(metric): expected class ids [N] or scores [N, C], got a tensor of shape \(t.shape)")
        }
        if t.dtype.isFloatingPoint {
            let values = t.toArray(of: Double.self)
            guard values.allSatisfy({ $0 == $0.rounded() }) else {
                throw TensorError.invalidArgument("\(metric): class ids must be whole numbers (an int64 tensor)")
            }
            return values.map { Int($0) }
        }
        return t.toArray(of: Int64.self).map { Int($0) }
    }

    static func checkCounts(_ predictions: Int, _ labels: Int, _ metric: String) throws {
        guard predictions == labels else {
            throw TensorError.shape("\(metric): \(predictions) predictions for \(labels) labels")
        }
        guard labels > 0 else { throw TensorError.invalidArgument("\(metric): no samples") }
    }

    /// How many entries of `row` rank before entry `target`: higher scores, and equal scores at
    /// lower positions.
    static func rank(of target: Int, in row: ArraySlice<Double>) -> Int {
        let value = row[row.startIndex + target]
        var rank = 0
        for (j, s) in row.enumerated() where s > value || (s == value && j < target) { rank += 1 }
        return rank
    }
}
