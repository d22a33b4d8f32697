import Models
import NN
import TensorCore

/// What the trainer computes on one batch: the scalar loss to minimise and, for the metrics,
/// the model's outputs (`logits`, `image_embeds`, `logits_per_image`, …).
public struct StepOutput {
    /// A scalar that requires grad.
    public var loss: Tensor
    /// The model's outputs by Hugging Face name; may be empty (then validation reports the loss only).
    public var outputs: [String: Tensor]

    public init(loss: Tensor, outputs: [String: Tensor] = [:]) {
        self.loss = loss
        self.outputs = outputs
    }
}

/// Turns a batch into a ``StepOutput``: the model's forward pass and the loss.
public typealias Objective<Batch> = (Batch) throws -> StepOutput

/// Ready-made objectives and the label checks they share.
public enum Objectives {
    /// The model's own loss: `model.forward` on the batch's tensors (with CLIP's `return_loss`),
    /// whose `loss` output is what Hugging Face models return when given `labels`.
    /// - Throws (when called): ``TrainingError/labels(_:)`` before the forward pass when a label
    ///   is outside the model's `num_labels`; ``TrainingError/loss(_:)`` when no loss comes out.
    public static func modelLoss<Batch: TrainingBatch>(_ model: any PretrainedModel) -> Objective<Batch> {
        { batch in
            if let labels = batch.labels, let classes = classCount(of: model) {
                try checkLabels(labels, classCount: classes, model: model.architecture, source: "num_labels=\(classes)")
            }
            let outputs = try model.forward(ModelInput(batch.tensors, returnLoss: true))
            guard let loss = outputs["loss"] else {
                throw TrainingError.loss(
                    "Trainer: \(model.architecture) returned no 'loss' "
                        + "(outputs: \(outputs.keys.sorted().joined(separator: ", "))); "
                        + "give the batches labels, or pass a loss function")
            }
            return StepOutput(loss: loss, outputs: outputs)
        }
    }

    /// The size of the classification head `config.json` describes (`id2label`, else
    /// `num_labels`), or nil for a model without one.
    public static func classCount(of model: any PretrainedModel) -> Int? {
        let config = model.configJSON
        if case .object(let names)? = config["id2label"], !names.isEmpty { return names.count }
        if case .number(let n)? = config["num_labels"], n >= 1 { return Int(n) }
        return nil
    }

    /// Checks that int64 class ids fit a head of `classCount` outputs. Negative ids are Hugging
    /// Face's ignored positions (-100) and pass.
    /// - Throws: ``TrainingError/labels(_:)`` naming the largest label and the head size.
    public static func checkLabels(_ labels: Tensor, classCount: Int, model: String, source: String) throws {
        guard labels.dtype == .int64, labels.count > 0 else { return }
        let largest = labels.toArray(of: Int64.self).max()!
        guard largest >= Int64(classCount) else { return }
        throw TrainingError.labels(
            "Trainer: the batch has label \(largest), but \(model)'s classification head has \(classCount) classes "
                + "(\(source), class ids 0..\(classCount - 1)); "
                + "build the model with num_labels = the dataset's class count"
        )
    }
}
