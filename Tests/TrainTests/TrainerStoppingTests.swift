import Foundation
import TensorCore
import TestSupport
import Testing
import Train

/// Early stopping on a monitored metric, and keeping the best checkpoint. Tests that train hold
/// the interrupt lock: fit polls the process-wide Ctrl-C flag that other tests raise.
@Suite struct TrainerStoppingTests {
    @Test func stopsAfterPatienceValidationsWithoutImprovement() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.learningRate = 0  // nothing changes, so nothing improves after the first validation
            setup.directory = try Fixtures.temporaryDirectory("trainer-patience")
            setup.configure = {
                $0.patience = 2
                $0.keepBest = true
            }
            let (trainer, _, log) = try setup.make()
            try trainer.fit(epochs: 10)
            #expect(trainer.epochsCompleted == 3)
            let best = try #require(trainer.best)
            #expect(best.metric == "loss" && best.epoch == 1 && best.step == 10)
            #expect(
                log.lines.last == "early stopping: loss has not improved for 2 validations "
                    + "(best \(NumberText.fixed(best.value, 4)) after epoch 1)")
            #expect(
                log.lines.contains(
                    "  best loss so far (\(NumberText.fixed(best.value, 4))): saved \(setup.directory!)/best"))
            // The best checkpoint is the state after epoch 1.
            let (fresh, _, _) = try setup.make()
            try fresh.resume(from: setup.directory! + "/best")
            #expect(fresh.epochsCompleted == 1 && fresh.globalStep == 10)
        }
    }

    @Test func monitorsARisingMetric() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.configure = {
                $0.monitor = "accuracy"
                $0.patience = 5
            }
            let (trainer, _, _) = try setup.make()
            try trainer.fit(epochs: 3)
            let accuracies = trainer.history.validations.map { $0.metrics["accuracy"]! }
            #expect(trainer.best?.value == accuracies.max())
            #expect(trainer.best?.epoch == accuracies.firstIndex(of: accuracies.max()!)! + 1)

            setup.configure = { $0.monitor = "recall@1" }
            let (wrong, _, _) = try setup.make()
            #expect(
                throws: TrainingError.setup(
                    "Trainer: monitor='recall@1' is not among the validation metrics (accuracy, f1, loss)")
            ) {
                try wrong.fit(epochs: 1)
            }
        }
    }

    @Test func savesEveryEpochWhenAsked() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.directory = try Fixtures.temporaryDirectory("trainer-save-every")
            setup.configure = { $0.saveEvery = 2 }
            let (trainer, _, log) = try setup.make()
            try trainer.fit(epochs: 3)
            #expect(log.lines.filter { $0 == "  saved \(setup.directory!)/checkpoint" }.count == 1)
            let (fresh, _, _) = try setup.make()
            try fresh.resume(from: setup.directory! + "/checkpoint")
            #expect(fresh.epochsCompleted == 2)
        }
    }
}
