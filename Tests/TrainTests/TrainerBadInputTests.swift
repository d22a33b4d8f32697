import Foundation
import Models
import NN
import TensorCore
import TestSupport
import Testing
import Train

/// Misuse gives errors that say what is wrong (issue 6, item 7), and leaves the trainer usable.
@Suite struct TrainerBadInputTests {
    /// The message of the error `body` throws.
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func aLossThatIsNotAScalar() throws {
        try InterruptLock.shared.withLock {
            let (trainer, _, _) = try TrainerSetup().make { model in
                { batch in
                    let logits = try model.forward(ModelInput(batch.tensors))["logits"]!
                    return StepOutput(loss: logits, outputs: [:])
                }
            }
            #expect(
                message { try trainer.step() }
                    == "Trainer: the loss must be a float scalar, got a float32 tensor of shape [8, 3]; reduce it to one number (mean or sum)"
            )
            #expect(trainer.globalStep == 0 && trainer.batchesInEpoch == 0)
        }
    }

    @Test func aLossWithoutGradient() throws {
        try InterruptLock.shared.withLock {
            let (trainer, _, _) = try TrainerSetup().make { model in
                { batch in StepOutput(loss: try model.forward(ModelInput(batch.tensors))["loss"]!.detached()) }
            }
            #expect(message { try trainer.step() }.hasPrefix("Trainer: the loss does not require grad"))
        }
    }

    /// An objective whose loss is NaN on its 4th call.
    static func poisoned(_ model: TinyClassifier) -> Objective<TensorBatch> {
        let loss: Objective<TensorBatch> = Objectives.modelLoss(model)
        var calls = 0
        return { batch in
            calls += 1
            var result = try loss(batch)
            if calls == 4 { result.loss = try result.loss * Double.nan }
            return result
        }
    }

    @Test func aNaNLossStopsNamingTheStep() throws {
        try InterruptLock.shared.withLock {
            let (trainer, _, _) = try TrainerSetup().make(objective: Self.poisoned)
            #expect(
                message { try trainer.fit(epochs: 2) }
                    == "Trainer: the loss is nan at step 4 (epoch 1/2, batch 4/10); lower the learning rate, clip the "
                    + "gradients (grad_clip=), or skip such batches with on_nan=\"skip\"")
            // The bad batch is consumed; the run goes on from the next one.
            #expect(trainer.globalStep == 3 && trainer.batchesInEpoch == 4)
            try trainer.fit(epochs: 2)
            #expect(trainer.globalStep == 19)
        }
    }

    @Test func aNaNLossIsSkippedOnRequest() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.configure = { $0.onNonFinite = .skip }
            let (trainer, _, log) = try setup.make(objective: Self.poisoned)
            try trainer.fit(epochs: 2)
            #expect(trainer.globalStep == 19 && trainer.history.skippedSteps == [4])
            #expect(log.lines.contains("skipped a batch at step 4 (epoch 1/2, batch 4/10): the loss is nan"))
            #expect(trainer.history.steps.allSatisfy { $0.loss.isFinite })
        }
    }

    @Test func aNaNGradientNormStopsBeforeTheUpdate() throws {
        try InterruptLock.shared.withLock {
            let (trainer, model, _) = try TrainerSetup().make { model in
                let loss: Objective<TensorBatch> = Objectives.modelLoss(model)
                return { batch in
                    // sqrt at 0: a finite loss whose gradient is 0 · ∞ = NaN.
                    var result = try loss(batch)
                    result.loss = try result.loss + (model.head.bias!.sum() * 0).sqrt()
                    return result
                }
            }
            let before = parameterValues(model)
            #expect(
                message { try trainer.step() }.hasPrefix(
                    "Trainer: the gradient norm is nan at step 1 (epoch 1, batch 1/10)"))
            #expect(parameterValues(model) == before)
            #expect(trainer.model.parameters().allSatisfy { $0.grad == nil })
        }
    }

    @Test func labelsBeyondTheHead() throws {
        try InterruptLock.shared.withLock {
            var batches = try Blobs.batches(2, size: 6, seed: 1, classes: 6)
            batches[0].tensors["labels"] = try Tensor(shape: [6], scalars: [Int64]([0, 1, 2, 5, 1, 0]))
            let setup = try TrainerSetup()
            let (trainer, _, _) = try setup.make(train: ArrayBatchSource(batches))
            #expect(
                message { try trainer.step() }
                    == "Trainer: the batch has label 5, but TinyClassifier's classification head has 3 classes "
                    + "(num_labels=3, class ids 0..2); build the model with num_labels = the dataset's class count")
            // A custom loss gets the same check from the logits' width.
            let (custom, _, _) = try setup.make(train: ArrayBatchSource(batches)) { model in
                { batch in
                    let logits = try model.forward(ModelInput(["inputs": batch.tensors["inputs"]!]))["logits"]!
                    return StepOutput(loss: try logits.mean(), outputs: ["logits": logits])
                }
            }
            #expect(
                message { try custom.step() }.contains(
                    "has label 5, but TinyClassifier's classification head has 3 classes (its logits have 3 columns"))
        }
    }

    @Test func optimizersThatTrainNothing() throws {
        try InterruptLock.shared.withLock {
            let setup = try TrainerSetup()
            let model = TinyClassifier(generator: RandomGenerator(seed: 1))
            let other = TinyClassifier(generator: RandomGenerator(seed: 2))
            let source = ArrayBatchSource(setup.trainBatches)
            #expect(message { _ = try Adam([]) } == "Adam: got an empty parameter list")
            #expect(
                message {
                    _ = try Trainer(
                        model: model, optimizer: try SGD(other.parameters()), train: source, output: .silent())
                }
                    == "Trainer: the optimizer updates none of TinyClassifier's parameters (was it made for another model? "
                    + "build it over model:parameters())")
            try model.freeze()
            #expect(
                message {
                    _ = try Trainer(
                        model: model, optimizer: try SGD(model.parameters()), train: source, output: .silent())
                }.hasPrefix("Trainer: every parameter the optimizer updates is frozen"))
            let linear = Linear(4, 3)
            #expect(
                message {
                    _ = try Trainer(
                        model: linear, optimizer: try SGD(linear.parameters()), train: source, output: .silent())
                } == "Trainer: Linear is not a Hugging Face model with its own loss; pass a loss function")
        }
    }

    @Test func resumingACheckpointOfAnotherModel() throws {
        try InterruptLock.shared.withLock {
            let folder = try Fixtures.temporaryDirectory("trainer-other") + "/checkpoint"
            let setup = try TrainerSetup()
            let (saved, _, _) = try setup.make(classes: 3)
            try saved.step()
            try saved.save(to: folder)
            let (other, model, _) = try setup.make(classes: 4)
            let before = parameterValues(model)
            #expect(
                message { try other.resume(from: folder) }
                    == "resume: \(folder) was saved from a TinyClassifier, which does not fit this trainer's TinyClassifier: "
                    + "shapes differ: head.bias is [3] there, [4] here, head.weight is [3, 16] there, [4, 16] here")
            #expect(parameterValues(model) == before && other.globalStep == 0)
            #expect(
                message { try other.resume(from: folder + "/nothing") }
                    == "resume: \(folder)/nothing is not a checkpoint folder (it does not exist)")
        }
    }

    @Test func optionsAndMetricsThatDoNotFit() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.configure = { $0.metrics = ["accuracy", "bleu"] }
            #expect(
                message { _ = try setup.make() }
                    == "Trainer: unknown metric 'bleu' (expected accuracy, f1, confusion, top<k> such as top5, or recall)"
            )
            setup.configure = { $0.accumulationSteps = 0 }
            #expect(message { _ = try setup.make() } == "Trainer: accumulate must be >= 1, got 0")
            setup.configure = { $0.keepBest = true }
            #expect(message { _ = try setup.make() } == "Trainer: keep_best and save_every need a run folder: set dir=")
            setup.configure = { $0.metrics = ["recall"] }
            let (trainer, _, _) = try setup.make()
            #expect(
                message { try trainer.validate() }
                    == "validate: metric 'recall' needs two of image_embeds, text_embeds and audio_embeds from the model; "
                    + "the outputs were: logits, loss (return them with the loss to get metrics)")
            setup.validation = false
            setup.configure = { _ in }
            let (noValidation, _, _) = try setup.make()
            #expect(
                message { try noValidation.validate() } == "validate: the trainer has no validation data (give it val=)"
            )
        }
    }
}
