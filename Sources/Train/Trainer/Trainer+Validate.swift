import TensorCore

extension Trainer {
    /// Runs the model over the whole validation data in evaluation mode without gradients, and
    /// returns the loss and metrics (see ``TrainerOptions/metrics``). The result is added to the
    /// history and the metrics log, printed, and passed to the validate callback.
    ///
    /// Validation changes nothing of the training: the model's mode and the random generator
    /// are put back afterwards, so a run validates as often as it likes without changing its
    /// losses.
    /// - Throws: ``TrainingError/setup(_:)`` without validation data, or when a requested metric
    ///   needs outputs the model does not give.
    @discardableResult
    public func validate() throws -> ValidationResult {
        let result = try runValidation()
        try record(result)
        return result
    }

    /// The validation pass itself, recording nothing.
    func runValidation() throws -> ValidationResult {
        guard let source = validationSource else {
            throw TrainingError.setup("validate: the trainer has no validation data (give it val=)")
        }
        let wasTraining = model.isTraining
        let random = randomStates
        defer {
            model.train(wasTraining)
            try? restoreRandomStates(random)
        }
        model.eval()
        try source.rewind()
        var metrics = ValidationMetrics(requested: options.metrics, recallCutoffs: options.recallCutoffs)
        var batches = 0
        try noGrad {
            while let batch = try source.nextBatch() {
                let result = try objective(batch)
                guard result.loss.count == 1 else {
                    throw TrainingError.loss(
                        "validate: the loss must be a scalar, got a tensor of shape \(result.loss.shape)")
                }
                if let logits = result.outputs["logits"], logits.rank == 2, let labels = batch.labels {
                    try Objectives.checkLabels(
                        labels, classCount: logits.shape[1], model: model.typeName,
                        source: "its logits have \(logits.shape[1]) columns")
                }
                try metrics.add(
                    loss: try result.loss.item(), count: batch.sampleCount, outputs: result.outputs,
                    labels: batch.labels)
                batches += 1
            }
        }
        guard batches > 0 else { throw TrainingError.setup("validate: the validation data has no batches") }
        // At the end of an epoch (pass over, epoch not yet counted) the validation belongs to it.
        return try metrics.result(step: globalStep, epoch: epochsCompleted + (phase == .passEnded ? 1 : 0))
    }

    /// Adds a validation to the history and the metrics log, prints it and calls back.
    func record(_ result: ValidationResult) throws {
        lastValidation = result
        history.validations.append(
            TrainingHistory.Validation(step: result.step, epoch: result.epoch, metrics: result.metrics))
        try appendMetrics(
            "validation",
            result.metrics.mapValues { $0 }.merging(
                ["step": Double(result.step), "epoch": Double(result.epoch)]) { $1 })
        log("  validation: " + Self.summary(result.metrics))
        try callbacks.onValidate?(result)
    }

    /// `loss 0.6012, accuracy 0.7500, f1 0.7333`: the loss first, then the other metrics by
    /// name, leaving out the per-direction recall values (their means are shown).
    static func summary(_ metrics: [String: Double]) -> String {
        let names = ["loss"] + metrics.keys.filter { $0 != "loss" && !$0.contains("_to_") }.sorted()
        return names.compactMap { name in metrics[name].map { "\(name) \(NumberText.fixed($0, 4))" } }
            .joined(separator: ", ")
    }
}
