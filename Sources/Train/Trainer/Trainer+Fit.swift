import TensorCore

extension Trainer {
    /// Trains to the end of the current epoch and finishes it: the update of a last partial
    /// accumulation, validation (when there is validation data), the summary line, best-metric
    /// tracking, and the epoch callback.
    /// - Throws: as ``step()``; Ctrl-C stops between steps (see ``fit(epochs:)``).
    @discardableResult
    public func epoch() throws -> EpochSummary {
        try interruptible {
            _ = try trainToEndOfPass()
            return try finishEpoch(validating: true)
        }
    }

    /// Trains until `epochs` epochs are finished in all — the count includes epochs done before,
    /// so a fit that was interrupted, or a resumed run, reaches the same end by being called
    /// with the same number. Validates after each epoch when there is validation data.
    ///
    /// Stops early after ``TrainerOptions/patience`` validations without improvement of the
    /// monitored metric, or when a callback calls ``requestStop()``. Ctrl-C stops it between two
    /// steps (a step in flight is rolled back), with an error; the trainer stays consistent and
    /// another `fit` continues.
    /// - Returns: the last validation, if any.
    @discardableResult
    public func fit(epochs: Int) throws -> ValidationResult? {
        guard epochs >= 1 else { throw TrainingError.setup("fit: epochs must be >= 1, got \(epochs)") }
        stopRequested = false
        fitTarget = epochs
        defer { fitTarget = nil }
        if epochsCompleted >= epochs {
            log("fit: \(epochsCompleted) epochs are already done (epochs=\(epochs) counts all epochs of the run)")
            return lastValidation
        }
        try interruptible {
            while epochsCompleted < epochs && !stopRequested {
                guard try trainToEndOfPass() else { break }
                try finishEpoch(validating: true)
            }
        }
        return lastValidation
    }

    /// Takes batches until the pass ends (true) or a stop was requested (false); throws at a
    /// pending Ctrl-C before taking the next batch.
    func trainToEndOfPass() throws -> Bool {
        while phase == .training {
            try Interrupt.check()
            if stopRequested { return false }
            guard let batch = try nextBatchOfPass() else {
                try checkPassHadBatches()
                phase = .passEnded
                break
            }
            try train(on: batch)
        }
        return true
    }

    /// Runs `body` with the progress bar drawn, logging where training stands when Ctrl-C
    /// stopped it.
    private func interruptible<R>(_ body: () throws -> R) throws -> R {
        drawsProgress = true
        defer {
            drawsProgress = false
            output.progress?.clear()
        }
        do {
            return try body()
        } catch  where Interrupt.isPending {
            let total = trainSource.batchesPerPass.map { "/\($0)" } ?? ""
            log(
                "interrupted in \(epochLabel(currentEpoch)) after batch \(batchesInEpoch)\(total) "
                    + "(step \(globalStep)); "
                    + "the trainer is consistent: fit again to continue, or save it")
            throw error
        }
    }

    /// Finishes the epoch whose pass ended (or, from ``step()``, the epoch as it stands).
    @discardableResult
    func finishEpoch(validating: Bool) throws -> EpochSummary {
        if accumulatedBatches > 0 { try update() }
        let validation = validating && validationSource != nil ? try runValidation() : nil
        let epoch = currentEpoch
        epochsCompleted += 1
        batchesInEpoch = 0
        phase = .training
        let losses = history.steps.filter { $0.epoch == epoch }.map(\.loss)
        let loss = losses.isEmpty ? Double.nan : losses.reduce(0, +) / Double(losses.count)
        log("\(epochLabel(epoch)): train loss \(NumberText.fixed(loss, 4)) (\(losses.count) steps)")
        if let validation {
            try record(validation)
            try trackBest(validation)
        }
        if let every = options.saveEvery, let directory = options.directory, epochsCompleted % every == 0 {
            try save(to: directory + "/checkpoint")
            log("  saved \(directory)/checkpoint")
        }
        let summary = EpochSummary(epoch: epoch, loss: loss, validation: validation)
        try callbacks.onEpoch?(summary)
        return summary
    }

    /// Updates the best value of the monitored metric, keeps the best checkpoint, and counts
    /// validations without improvement for early stopping.
    private func trackBest(_ validation: ValidationResult) throws {
        let name = options.monitor
        guard let value = validation.metrics[name] else {
            throw TrainingError.setup(
                "Trainer: monitor='\(name)' is not among the validation metrics "
                    + "(\(validation.metrics.keys.sorted().joined(separator: ", ")))"
            )
        }
        let improved: Bool
        if let best {
            let delta = options.resolvedMonitorMode == .min ? best.value - value : value - best.value
            improved = delta > options.minimumImprovement
        } else {
            improved = value.isFinite
        }
        if improved {
            best = BestMetric(metric: name, value: value, step: globalStep, epoch: epochsCompleted)
            validationsWithoutImprovement = 0
            if options.keepBest, let directory = options.directory {
                try save(to: directory + "/best")
                log("  best \(name) so far (\(NumberText.fixed(value, 4))): saved \(directory)/best")
            }
            return
        }
        validationsWithoutImprovement += 1
        if let patience = options.patience, validationsWithoutImprovement >= patience, let best {
            log(
                "early stopping: \(name) has not improved for \(validationsWithoutImprovement) validations "
                    + "(best \(NumberText.fixed(best.value, 4)) after epoch \(best.epoch))")
            stopRequested = true
        }
    }
}
