import Foundation
import Models
import TensorCore
import TestSupport
import Testing
import Train

/// The trainer with a real Hugging Face architecture from the Models target: its own loss, its
/// `num_labels` checked before the forward pass, and checkpoints that are model folders.
@Suite struct TrainerModelsTests {
    static func vit() throws -> ViTForImageClassification {
        var config = ViTConfig()
        (config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (16, 2, 2, 24)
        (config.imageSize, config.patchSize) = (16, 8)
        config.labels = ClassLabels(names: ["typing", "scrolling", "video"])
        return try ViTForImageClassification(config: config)
    }

    static func batches(seed: UInt64, labels: [Int64] = [0, 1, 2, 1]) throws -> [TensorBatch] {
        let generator = RandomGenerator(seed: seed)
        return try (0..<3).map { _ in
            TensorBatch([
                "pixel_values": Tensor.rand([4, 3, 16, 16], generator: generator),
                "labels": try Tensor(shape: [4], scalars: labels),
            ])
        }
    }

    @Test func trainsAViTAndSavesAModelFolder() throws {
        try InterruptLock.shared.withLock {
            let model = try Self.vit()
            let folder = try Fixtures.temporaryDirectory("trainer-vit") + "/checkpoint"
            let trainer = try Trainer(
                model: model, optimizer: try Adam.adamW(model.parameters(), .adamW(learningRate: 1e-2)),
                train: ArrayBatchSource(try Self.batches(seed: 1)),
                validation: ArrayBatchSource(try Self.batches(seed: 2)),
                output: .silent())
            let result = try #require(try trainer.fit(epochs: 4))
            #expect(trainer.history.steps.last!.loss < trainer.history.steps.first!.loss)
            #expect(result.confusion?.classCount == 3)
            try trainer.save(to: folder)

            let loaded = try Models.load(directory: folder)
            #expect(loaded.model.architecture == "ViTForImageClassification" && loaded.report.missing.isEmpty)
            let own = model.stateDict()
            let back = loaded.model.stateDict()
            #expect(own.keys.sorted() == back.keys.sorted())
            #expect(own.keys.allSatisfy { own[$0]!.toArray(of: Float.self) == back[$0]!.toArray(of: Float.self) })
        }
    }

    @Test func labelsBeyondNumLabelsAreRefusedBeforeTheForwardPass() throws {
        try InterruptLock.shared.withLock {
            let model = try Self.vit()
            let trainer = try Trainer(
                model: model, optimizer: try SGD(model.parameters()),
                train: ArrayBatchSource(try Self.batches(seed: 1, labels: [0, 1, 5, 2])), output: .silent())
            #expect(
                throws: TrainingError.labels(
                    "Trainer: the batch has label 5, but ViTForImageClassification's classification head has 3 classes "
                        + "(num_labels=3, class ids 0..2); build the model with num_labels = the dataset's class count")
            ) {
                try trainer.step()
            }
        }
    }
}
