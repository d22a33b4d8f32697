import Foundation
import Models
import TensorCore
import TestSupport
import Testing
import Train

/// Checkpoints: a resumed run ends exactly where an uninterrupted one does; saves are atomic.
/// (Ctrl-C: TrainerInterruptTests.)
@Suite struct TrainerResumeTests {
    /// Accumulation over 3 batches, shuffled batches, dropout, clipping, a cosine schedule and
    /// validation each epoch: everything whose state a checkpoint must carry.
    static func setup() throws -> TrainerSetup {
        var setup = try TrainerSetup()
        setup.accumulate = 3
        return setup
    }

    static func uninterrupted() throws -> (Trainer<TensorBatch>, TinyClassifier) {
        let (trainer, model, _) = try setup().make()
        try trainer.fit(epochs: 3)
        return (trainer, model)
    }

    @Test func resumedRunEndsWithTheSameParameters() throws {
        try InterruptLock.shared.withLock {
            let (reference, referenceModel) = try Self.uninterrupted()
            let folder = try Fixtures.temporaryDirectory("trainer-resume") + "/checkpoint"

            // Stop at the 5th update (in epoch 2), take one more batch so that the checkpoint holds
            // an accumulation in progress, and save.
            let (first, _, _) = try Self.setup().make()
            first.callbacks.onStep = { if $0.step == 5 { first.requestStop() } }
            try first.fit(epochs: 3)
            try first.step()
            #expect(first.epochsCompleted == 1 && first.batchesInEpoch == 4 && first.globalStep == 5)
            try first.save(to: folder)
            #expect(FileManager.default.fileExists(atPath: folder + "/gradients.safetensors"))

            // A fresh process, as it were: new objects from the same recipe.
            let (second, secondModel, log) = try Self.setup().make()
            try second.resume(from: folder)
            #expect(log.lines == ["resumed from \(folder): 1 epoch and 5 steps done"])
            try second.fit(epochs: 3)
            #expect(parameterValues(secondModel) == parameterValues(referenceModel))
            #expect(second.history == reference.history)
            #expect(second.best == reference.best)
        }
    }

    @Test func checkpointFolderIsAHuggingFaceModelFolderToo() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.directory = try Fixtures.temporaryDirectory("trainer-files")
            let (trainer, model, _) = try setup.make()
            try trainer.fit(epochs: 1)
            let folder = try trainer.save()
            #expect(folder == setup.directory! + "/checkpoint")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(files == ["config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"])
            let config =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")))
                as! [String: Any]
            #expect(config["model_type"] as? String == "tiny-classifier" && config["num_labels"] as? Int == 3)
            #expect(config["architectures"] as? [String] == ["TinyClassifier"])
            let weights = try SafeTensors.load(path: folder + "/model.safetensors")
            #expect(weights["head.weight"]!.toArray(of: Float.self) == model.head.weight.toArray(of: Float.self))
        }
    }

    @Test func aFailedSaveLeavesThePreviousCheckpoint() throws {
        try InterruptLock.shared.withLock {
            let parent = try Fixtures.temporaryDirectory("trainer-atomic")
            let folder = parent + "/checkpoint"
            let setup = try TrainerSetup()
            let source = FailingSource(setup.trainBatches)
            let (trainer, _, _) = try setup.make(train: source)
            for _ in 0..<3 { try trainer.step() }
            try trainer.save(to: folder)
            for _ in 0..<4 { try trainer.step() }
            // The data's position is asked for last, after the weights and the optimizer state
            // went to the temporary folder: failing then is a save cut short.
            source.failSaving = true
            #expect(throws: TrainingError.self) { try trainer.save(to: folder) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["checkpoint"])
            source.failSaving = false

            let (fresh, _, _) = try setup.make(train: FailingSource(setup.trainBatches))
            try fresh.resume(from: folder)
            #expect(fresh.globalStep == 3)
        }
    }

    @Test func abandonedTemporaryFoldersAndAHalfReplacedCheckpoint() throws {
        try InterruptLock.shared.withLock {
            let parent = try Fixtures.temporaryDirectory("trainer-crash")
            let folder = parent + "/checkpoint"
            let (trainer, _, _) = try TrainerSetup().make()
            try trainer.step()
            // A process that died mid-save left its temporary folder (pid 2^22 + 1 exceeds
            // Linux's largest pid, so no such process runs).
            try FileManager.default.createDirectory(
                atPath: folder + ".tmp-4194305-1", withIntermediateDirectories: true)
            try trainer.save(to: folder)
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["checkpoint"])
            // A crash between the two renames of a replacement without RENAME_EXCHANGE.
            try FileManager.default.moveItem(atPath: folder, toPath: folder + ".previous")
            let (fresh, _, _) = try TrainerSetup().make()
            try fresh.resume(from: folder)
            #expect(fresh.globalStep == 1)
        }
    }
}

/// A source whose position cannot be read while `failSaving` is set, as a disk that filled
/// up in the middle of a save.
final class FailingSource: BatchSource {
    let inner: ArrayBatchSource<TensorBatch>
    var failSaving = false

    init(_ batches: [TensorBatch]) { inner = ArrayBatchSource(batches, shuffle: true, seed: 3) }

    var batchesPerPass: Int? { inner.batchesPerPass }
    func nextBatch() throws -> TensorBatch? { try inner.nextBatch() }
    func rewind() throws { try inner.rewind() }
    func restorePosition(_ saved: String) throws { try inner.restorePosition(saved) }
    func savedPosition() throws -> String? {
        if failSaving { throw TrainingError.checkpoint("no space left on device") }
        return try inner.savedPosition()
    }
}
