import Models
import TensorCore

extension Trainer {
    /// Saves everything needed to continue the run exactly, atomically (see
    /// ``CheckpointFolder``), into a folder:
    ///
    /// | file | holds |
    /// | --- | --- |
    /// | `model.safetensors` (+ `config.json`) | the weights (a Hugging Face model folder when the model is one) |
    /// | `optimizer.safetensors` | the optimizer's buffers; its header in the metadata |
    /// | `gradients.safetensors` | gradients accumulated for an update still to come (only mid-accumulation) |
    /// | `trainer_state.json` | counters, schedule, random state, the data's position, best metric, history |
    ///
    /// - Parameter path: the folder; by default `<run dir>/checkpoint`.
    /// - Returns: the folder written.
    /// - Throws: ``TrainingError/checkpoint(_:)``; a failed save leaves an earlier checkpoint at
    ///   `path` as it was.
    @discardableResult
    public func save(to path: String? = nil) throws -> String {
        guard let target = path ?? options.directory.map({ $0 + "/checkpoint" }) else {
            throw TrainingError.checkpoint("save: give a path, or give the trainer a run folder (dir=)")
        }
        try CheckpointFolder.write(to: target) { folder in
            try ModelFiles.write(model, to: folder)
            let optimizerState = optimizer.state()
            try SafeTensors.save(
                optimizerState.tensors, metadata: ["optimizer": try optimizerState.headerJSON()],
                to: folder + "/optimizer.safetensors")
            if accumulatedBatches > 0 {
                var gradients: [String: Tensor] = [:]
                for (i, p) in optimizer.parameters.enumerated() { gradients[String(i)] = p.grad }
                try SafeTensors.save(gradients, to: folder + "/gradients.safetensors")
            }
            // Last, so that the data's position is read after everything else was written.
            try AtomicFile.write(
                try currentState(header: optimizerState.header).encoded(),
                to: folder + "/" + TrainerState.fileName)
        }
        return target
    }

    private func currentState(header: OptimizerState.Header) throws -> TrainerState {
        TrainerState(
            modelType: (model as? any PretrainedModel)?.architecture ?? model.typeName,
            parameterShapes: model.stateDict().mapValues(\.shape),
            globalStep: globalStep, epochsCompleted: epochsCompleted, batchesInEpoch: batchesInEpoch,
            phase: phase.rawValue, accumulationSteps: options.accumulationSteps,
            accumulatedBatches: accumulatedBatches, accumulatedLoss: accumulatedLoss,
            optimizer: header, schedule: schedule?.state(),
            random: randomStates.map { $0.map { String($0) } },
            // A batch taken but not trained on is taken again after resuming.
            trainPosition: pendingBatch != nil ? positionBeforePending : try trainSource.savedPosition(),
            best: best, validationsWithoutImprovement: validationsWithoutImprovement, history: history)
    }

    /// Continues the run saved at `path`: weights, optimizer and schedule state, accumulated
    /// gradients, the random generators, the training data's position, counters, best metric and
    /// history. The trainer must be made of the same kinds of things as the saved one (model
    /// architecture and shapes, optimizer kind, schedule kind); the data must be the same data.
    /// A run resumed this way ends with the same parameters as one never interrupted.
    ///
    /// Everything is checked before anything is changed, so a checkpoint that does not fit — of
    /// another model, say — leaves the trainer as it was.
    /// - Throws: ``TrainingError/checkpoint(_:)`` naming what does not fit.
    public func resume(from path: String) throws {
        let folder = try CheckpointFolder.resolve(path)
        let state = try TrainerState.read(folder: folder)
        let weights = try ModelFiles.check(model, folder: folder, savedType: state.modelType)
        try checkFits(state, folder: folder)
        let random = state.random.map { $0.compactMap { UInt64($0) } }
        guard let resumedPhase = Phase(rawValue: state.phase),
            random.allSatisfy({ (try? RandomGenerator(seed: 0).restore($0)) != nil })
        else {
            throw TrainingError.checkpoint(
                "resume: \(folder)/\(TrainerState.fileName) is damaged (phase or random state)")
        }
        guard random.count == options.randomGenerators.count else {
            throw TrainingError.checkpoint(
                "resume: \(folder) holds \(random.count) random generators' states, "
                    + "this trainer draws from \(options.randomGenerators.count)")
        }
        let optimizerTensors = try SafeTensorsFile(path: folder + "/optimizer.safetensors").tensors()
        let gradients =
            state.accumulatedBatches > 0
            ? try SafeTensors.load(path: folder + "/gradients.safetensors") : [:]

        // The position and the optimizer refuse what does not fit before changing anything;
        // the position is put back if the optimizer refuses.
        let previousPosition = try trainSource.savedPosition()
        if let position = state.trainPosition { try trainSource.restorePosition(position) }
        do {
            try optimizer.restore(OptimizerState(header: state.optimizer, tensors: optimizerTensors))
        } catch {
            if let previousPosition { try? trainSource.restorePosition(previousPosition) }
            throw TrainingError.checkpoint("resume: \(folder): \(error)")
        }
        if let saved = state.schedule { try schedule?.restore(saved) }
        try model.loadStateDict(try weights.tensors(), strict: true, source: folder)
        optimizer.zeroGrad()
        for (i, p) in optimizer.parameters.enumerated() { p.grad = gradients[String(i)]?.copied() }
        try restoreRandomStates(random)

        globalStep = state.globalStep
        epochsCompleted = state.epochsCompleted
        batchesInEpoch = state.batchesInEpoch
        phase = resumedPhase
        accumulatedBatches = state.accumulatedBatches
        accumulatedLoss = state.accumulatedLoss
        best = state.best
        validationsWithoutImprovement = state.validationsWithoutImprovement
        history = state.history
        lastValidation = history.validations.last.map {
            ValidationResult(metrics: $0.metrics, confusion: nil, step: $0.step, epoch: $0.epoch)
        }
        pendingBatch = nil
        positionBeforePending = nil
        stopRequested = false
        try metricsFile?.truncate(toStep: globalStep, validations: history.validations.count)
        metricsFileStarted = true
        log(
            "resumed from \(path): \(epochsCompleted) epoch\(epochsCompleted == 1 ? "" : "s") and \(globalStep) step\(globalStep == 1 ? "" : "s") done"
        )
    }

    /// The checks of ``resume(from:)`` beyond the weights: optimizer, schedule, accumulation.
    private func checkFits(_ state: TrainerState, folder: String) throws {
        func fail(_ message: String) -> TrainingError { .checkpoint("resume: \(folder): \(message)") }
        guard state.optimizer.optimizer == optimizer.name else {
            throw fail("the run used \(state.optimizer.optimizer), this trainer \(optimizer.name)")
        }
        let shapes = optimizer.parameters.map(\.shape)
        guard state.optimizer.shapes == shapes else {
            throw fail(
                "the optimizer was saved over \(state.optimizer.shapes.count) parameters that differ from this "
                    + "optimizer's \(shapes.count) (another model, or parameters in another order?)")
        }
        switch (state.schedule, schedule) {
        case (nil, nil): break
        case (let saved?, let own?) where saved.kind == own.kind: break
        case (let saved?, let own?): throw fail("the run's schedule was \(saved.kind), this trainer's is \(own.kind)")
        case (.some, nil): throw fail("the run had a learning-rate schedule; give this trainer the same scheduler")
        case (nil, .some): throw fail("the run had no learning-rate schedule, but this trainer has one")
        }
        if state.accumulatedBatches > 0 && state.accumulationSteps != options.accumulationSteps {
            throw fail(
                "it was saved mid-accumulation with accumulate=\(state.accumulationSteps); "
                    + "resume it with the same accumulate (this trainer has \(options.accumulationSteps))")
        }
    }
}
