import Foundation
import TensorCore
import TestSupport
import Testing
import Train

/// Training runs end to end: learning, the log, history, metrics file, callbacks, determinism.
@Suite struct TrainerFitTests {
    @Test func learnsTheBlobsAndLogsCleanLines() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.directory = try Fixtures.temporaryDirectory("trainer-fit")
            setup.logEvery = 5
            let (trainer, _, log) = try setup.make()
            var steps = 0
            var epochs: [Int] = []
            var validations = 0
            trainer.callbacks.onStep = { _ in steps += 1 }
            trainer.callbacks.onEpoch = { epochs.append($0.epoch) }
            trainer.callbacks.onValidate = { _ in validations += 1 }

            let last = try #require(try trainer.fit(epochs: 3))
            #expect(last.metrics["accuracy"]! > 0.9, "\(last.metrics)")
            #expect(last.metrics["f1"]! > 0.9)
            #expect(last.confusion?.counts.map { $0.reduce(0, +) } == [12, 9, 9])  // i mod 3 over batches of 10
            #expect(trainer.globalStep == 30 && trainer.epochsCompleted == 3)
            #expect(steps == 30 && epochs == [1, 2, 3] && validations == 3)
            #expect(trainer.history.steps.count == 30 && trainer.history.validations.count == 3)
            #expect(
                trainer.history.validations.last!.metrics["loss"]! < trainer.history.validations.first!.metrics["loss"]!
            )

            // Lines carry no timings and no terminal control characters.
            #expect(log.lines.allSatisfy { !$0.contains("\r") && !$0.contains("\u{1B}") && !$0.contains("it/s") })
            #expect(
                log.lines.contains(
                    "epoch 1/3 step 5: loss \(NumberText.fixed(trainer.history.steps[4].loss, 4)), "
                        + "lr \(NumberText.scientific(trainer.history.steps[4].learningRate)), "
                        + "grad norm \(NumberText.fixed(trainer.history.steps[4].gradientNorm!, 3))"))
            #expect(log.lines.contains { $0.hasPrefix("epoch 3/3: train loss ") && $0.hasSuffix("(10 steps)") })
            #expect(
                log.lines.contains {
                    $0.hasPrefix("  validation: loss ") && $0.contains(", accuracy ") && $0.contains(", f1 ")
                })

            // metrics.jsonl: one record per step and per validation, in order.
            let text = try String(contentsOfFile: setup.directory! + "/metrics.jsonl", encoding: .utf8)
            let records = try text.split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
            #expect(records.filter { $0["type"] as? String == "train" }.count == 30)
            #expect(records.filter { $0["type"] as? String == "validation" }.count == 3)
            #expect(records[9]["step"] as? Int == 10 && records[10]["type"] as? String == "validation")
            #expect(
                records[10]["accuracy"] is Double && records[0]["time"] is Double && records[0]["grad_norm"] is Double)
        }
    }

    @Test func theMetricsFileBelongsToOneRun() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.directory = try Fixtures.temporaryDirectory("trainer-jsonl")
            let path = setup.directory! + "/metrics.jsonl"
            func steps() throws -> [Int] {
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
                    (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["step"] as? Int
                }
            }
            let (first, _, _) = try setup.make()
            try first.fit(epochs: 1)
            try first.save()
            try first.fit(epochs: 2)
            #expect(try steps().count == 22)
            // Resumed from epoch 1 in the same folder: the file is cut back, then continued.
            let (resumed, _, _) = try setup.make()
            try resumed.resume(from: setup.directory! + "/checkpoint")
            #expect(try steps().count == 11)
            try resumed.fit(epochs: 2)
            #expect(try steps() == Array(1...10) + [10] + Array(11...20) + [20])
            // A new run in the folder starts the file afresh.
            let (fresh, _, _) = try setup.make()
            try fresh.step()
            #expect(try steps() == [1])
        }
    }

    @Test func fitCountsAllEpochsOfTheRun() throws {
        try InterruptLock.shared.withLock {
            let (trainer, _, log) = try TrainerSetup().make()
            try trainer.fit(epochs: 1)
            try trainer.fit(epochs: 1)
            #expect(trainer.epochsCompleted == 1)
            #expect(log.lines.last == "fit: 1 epochs are already done (epochs=1 counts all epochs of the run)")
            try trainer.fit(epochs: 2)
            #expect(trainer.epochsCompleted == 2 && trainer.globalStep == 20)
        }
    }

    @Test func stepRollsOverIntoTheNextEpoch() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.validation = false
            let (trainer, _, _) = try setup.make()
            for _ in 0..<12 { try trainer.step() }
            #expect(trainer.epochsCompleted == 1 && trainer.batchesInEpoch == 2 && trainer.globalStep == 12)
            // epoch() finishes the current epoch: 8 more batches.
            let summary = try trainer.epoch()
            #expect(summary.epoch == 2 && trainer.globalStep == 20 && summary.validation == nil)
        }
    }

    @Test func accumulationUpdatesEveryNBatchesAndAtTheEpochsEnd() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.accumulate = 3
            setup.validation = false
            let (trainer, _, _) = try setup.make()
            try trainer.epoch()
            // 10 batches: updates after batches 3, 6, 9 and the last one at the end of the epoch.
            #expect(trainer.globalStep == 4)
            #expect(trainer.history.steps.map(\.step) == [1, 2, 3, 4])
        }
    }

    @Test func sameSeedGivesIdenticalRuns() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.configure = { $0.seed = 99 }
            let (a, modelA, _) = try setup.make()
            let (b, modelB, _) = try setup.make()
            try a.fit(epochs: 2)
            try b.fit(epochs: 2)
            #expect(a.history.steps.map(\.loss) == b.history.steps.map(\.loss))
            #expect(parameterValues(modelA) == parameterValues(modelB))
            // Another seed draws other dropout masks.
            setup.configure = { $0.seed = 100 }
            let (c, _, _) = try setup.make()
            try c.fit(epochs: 2)
            #expect(a.history.steps.map(\.loss) != c.history.steps.map(\.loss))
        }
    }

    @Test func validationDoesNotChangeTheTraining() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            let (validated, modelA, _) = try setup.make()
            setup.validation = false
            let (plain, modelB, _) = try setup.make()
            try validated.fit(epochs: 2)
            try validated.validate()
            try plain.fit(epochs: 2)
            #expect(parameterValues(modelA) == parameterValues(modelB))
            #expect(validated.history.validations.count == 3 && plain.history.validations.isEmpty)
        }
    }
}
