import TensorCore

extension Trainer {
    /// Trains on one batch: forward and loss, backward, and — on an accumulation boundary —
    /// clipping, the optimizer step and the schedule step. When the source's pass is over, the
    /// epoch is finished (without validation) and the next pass begins.
    /// - Returns: the batch's loss (NaN or infinite when skipped under `on_nan="skip"`).
    /// - Throws: ``TrainingError`` for a bad loss or labels; the objective's errors; Ctrl-C.
    ///   After an error the trainer is as it was before the call, apart from a batch with a
    ///   non-finite loss, which is consumed.
    @discardableResult
    public func step() throws -> Double {
        if phase == .passEnded { try finishEpoch(validating: false) }
        if let batch = try nextBatchOfPass() { return try train(on: batch) }
        try checkPassHadBatches()
        phase = .passEnded
        try finishEpoch(validating: false)
        guard let batch = try nextBatchOfPass() else {
            throw TrainingError.setup("Trainer: the training data has no batches")
        }
        return try train(on: batch)
    }

    /// Refuses data whose pass ended before giving a batch (an empty list, a loader over no
    /// samples), which would otherwise make epochs without steps.
    func checkPassHadBatches() throws {
        guard batchesInEpoch > 0 else { throw TrainingError.setup("Trainer: the training data has no batches") }
    }

    /// The batch a failed step left, else the source's next batch (nil at the end of the pass).
    func nextBatchOfPass() throws -> Batch? {
        if let pendingBatch { return pendingBatch }
        let position = try trainSource.savedPosition()
        guard let batch = try trainSource.nextBatch() else { return nil }
        pendingBatch = batch
        positionBeforePending = position
        return batch
    }

    /// One batch through the model, rolled back when anything before the update fails.
    @discardableResult
    func train(on batch: Batch) throws -> Double {
        model.train()
        let parameters = optimizer.parameters
        let gradients = parameters.map(\.grad)
        let random = randomStates
        let started = ContinuousClock.now
        let loss: Double
        do {
            let result = try objective(batch)
            loss = try checkedLoss(result, batch: batch)
            if loss.isFinite {
                try (result.loss / Double(options.accumulationSteps)).backward()
            }
        } catch {
            // Nothing of the failed step remains: the gradients as they were, the dropout
            // masks drawn again, the batch taken again by the next step.
            for (p, g) in zip(parameters, gradients) { p.grad = g }
            try? restoreRandomStates(random)
            throw error
        }
        pendingBatch = nil
        positionBeforePending = nil
        batchesInEpoch += 1
        defer { showProgress(loss: loss, seconds: (ContinuousClock.now - started).seconds) }
        guard loss.isFinite else {
            try nonFinite("the loss is \(NumberText.fixed(loss, 4))")
            return loss
        }
        accumulatedBatches += 1
        accumulatedLoss += loss
        if accumulatedBatches == options.accumulationSteps { try update() }
        return loss
    }

    /// The loss as a number, after checking that it is a differentiable scalar and that the
    /// batch's labels fit the model's logits.
    private func checkedLoss(_ result: StepOutput, batch: Batch) throws -> Double {
        let loss = result.loss
        guard loss.count == 1, loss.dtype.isFloatingPoint else {
            throw TrainingError.loss(
                "Trainer: the loss must be a float scalar, got a \(loss.dtype) tensor of shape \(loss.shape); "
                    + "reduce it to one number (mean or sum)")
        }
        if let logits = result.outputs["logits"], logits.rank == 2, let labels = batch.labels {
            try Objectives.checkLabels(
                labels, classCount: logits.shape[1], model: model.typeName,
                source: "its logits have \(logits.shape[1]) columns")
        }
        guard loss.requiresGrad else {
            throw TrainingError.loss(
                "Trainer: the loss does not require grad, so nothing would learn: it depends on no trainable "
                    + "parameter (is the model frozen, or was the loss made from detached tensors?)")
        }
        return try loss.item()
    }

    /// Clips, updates the parameters and the schedule, and records the step.
    func update() throws {
        let parameters = optimizer.parameters
        var norm: Double?
        if let clip = options.gradientClip {
            norm = try clipGradNorm(parameters, maxNorm: clip)
            if !norm!.isFinite {
                optimizer.zeroGrad()
                accumulatedBatches = 0
                accumulatedLoss = 0
                try nonFinite("the gradient norm is \(NumberText.fixed(norm!, 4))")
                return
            }
        }
        let learningRate = optimizer.learningRates.first ?? 0
        try optimizer.step()
        optimizer.zeroGrad()
        schedule?.step()
        globalStep += 1
        let record = TrainingHistory.Step(
            step: globalStep, epoch: currentEpoch, loss: accumulatedLoss / Double(accumulatedBatches),
            learningRate: learningRate, gradientNorm: norm)
        accumulatedBatches = 0
        accumulatedLoss = 0
        history.steps.append(record)
        try appendMetrics(
            "train",
            [
                "step": Double(record.step), "epoch": Double(record.epoch), "loss": record.loss,
                "lr": record.learningRate, "grad_norm": record.gradientNorm,
            ])
        if options.logEvery > 0 && globalStep % options.logEvery == 0 {
            var line = "\(epochLabel(record.epoch)) step \(globalStep): loss \(NumberText.fixed(record.loss, 4))"
            line += ", lr \(NumberText.scientific(learningRate))"
            if let norm { line += ", grad norm \(NumberText.fixed(norm, 3))" }
            log(line)
        }
        try callbacks.onStep?(record)
    }

    /// Handles a non-finite loss or gradient norm by the `on_nan` policy: an error naming the
    /// step, or a skipped batch that is counted and logged.
    private func nonFinite(_ what: String) throws {
        let place =
            "step \(globalStep + 1) (\(epochLabel(currentEpoch)), batch \(batchesInEpoch)"
            + (trainSource.batchesPerPass.map { "/\($0)" } ?? "") + ")"
        switch options.onNonFinite {
        case .error:
            throw TrainingError.nonFinite(
                "Trainer: \(what) at \(place); lower the learning rate, clip the gradients (grad_clip=), "
                    + "or skip such batches with on_nan=\"skip\"")
        case .skip:
            history.skippedSteps.append(globalStep + 1)
            log("skipped a batch at \(place): \(what)")
        }
    }

    private func showProgress(loss: Double, seconds: Double) {
        bar.record(loss: loss, seconds: seconds)
        guard drawsProgress, let progress = output.progress else { return }
        bar.epoch = currentEpoch
        bar.epochs = fitTarget
        bar.batchesPerEpoch = trainSource.batchesPerPass
        bar.batchesAfterEpoch = max(0, (fitTarget ?? currentEpoch) - currentEpoch) * (trainSource.batchesPerPass ?? 0)
        bar.batch = batchesInEpoch
        progress.show(bar.render(width: progress.columns))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
