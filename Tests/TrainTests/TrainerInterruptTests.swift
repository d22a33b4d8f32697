import Foundation
import TensorCore
import TestSupport
import Testing
import Train

/// Ctrl-C during training: fit stops between steps, a step stopped inside the model is rolled
/// back, a stopped validation leaves the epoch to finish; each run then ends exactly where an
/// uninterrupted one does. The flag is process-wide, so scripts/test runs these suites
/// (`*InterruptTests`) in a pass of their own.
@Suite struct TrainerInterruptTests {
    @Test func ctrlCStopsFitBetweenStepsAndFitContinues() throws {
        try InterruptLock.shared.withLock {
            defer { Interrupt.clear() }
            let (_, referenceModel) = try TrainerResumeTests.uninterrupted()
            let (trainer, model, log) = try TrainerResumeTests.setup().make()
            trainer.callbacks.onStep = { if $0.step == 6 { Interrupt.request() } }
            #expect(throws: TensorError.interrupted) { try trainer.fit(epochs: 3) }
            #expect(trainer.globalStep == 6)
            #expect(
                log.lines.last == "interrupted in epoch 2/3 after batch 6/10 (step 6); "
                    + "the trainer is consistent: fit again to continue, or save it")
            Interrupt.clear()
            trainer.callbacks.onStep = nil
            try trainer.fit(epochs: 3)
            #expect(parameterValues(model) == parameterValues(referenceModel))
        }
    }

    @Test func aStepStoppedInsideTheModelIsRolledBack() throws {
        try InterruptLock.shared.withLock {
            defer { Interrupt.clear() }
            let (_, referenceModel) = try TrainerResumeTests.uninterrupted()
            var calls = 0
            // What a kernel does when Ctrl-C arrives: the flag is set and it throws. Here it
            // happens after the forward pass drew its dropout mask, mid-accumulation.
            let (trainer, model, _) = try TrainerResumeTests.setup().make { model in
                let loss: Objective<TensorBatch> = Objectives.modelLoss(model)
                return { batch in
                    let result = try loss(batch)
                    calls += 1
                    if calls == 14 {
                        Interrupt.request()
                        throw TensorError.interrupted
                    }
                    return result
                }
            }
            #expect(throws: TensorError.interrupted) { try trainer.fit(epochs: 3) }
            Interrupt.clear()
            try trainer.fit(epochs: 3)
            #expect(parameterValues(model) == parameterValues(referenceModel))
        }
    }

    @Test func aRunStoppedDuringValidationResumesFromACheckpoint() throws {
        try InterruptLock.shared.withLock {
            defer { Interrupt.clear() }
            let (reference, referenceModel) = try TrainerResumeTests.uninterrupted()
            let folder = try Fixtures.temporaryDirectory("trainer-resume-validation") + "/checkpoint"
            var validations = 0
            let (first, _, _) = try TrainerResumeTests.setup().make { model in
                let loss: Objective<TensorBatch> = Objectives.modelLoss(model)
                return { batch in
                    if !model.isTraining {
                        validations += 1
                        if validations == 5 {  // the second validation's second batch
                            Interrupt.request()
                            throw TensorError.interrupted
                        }
                    }
                    return try loss(batch)
                }
            }
            #expect(throws: TensorError.interrupted) { try first.fit(epochs: 3) }
            Interrupt.clear()
            #expect(first.epochsCompleted == 1 && first.globalStep == 8 && first.history.validations.count == 1)
            try first.save(to: folder)

            let (second, secondModel, _) = try TrainerResumeTests.setup().make()
            try second.resume(from: folder)
            try second.fit(epochs: 3)
            #expect(parameterValues(secondModel) == parameterValues(referenceModel))
            #expect(second.history == reference.history)
        }
    }
}
