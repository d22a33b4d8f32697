import NN
import TensorCore

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
