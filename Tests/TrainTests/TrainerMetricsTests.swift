import NN
import TensorCore
import TestSupport
import Testing
import Train

/// Which validation metrics a trainer computes, from what the model returns.
@Suite struct TrainerMetricsTests {
    /// A stand-in for a contrastive model: embeddings of each modality are the batch's `keys`
    /// plus modality-specific noise, so matching pairs are the most similar ones.
    final class Contrastive: Module {
        let scale: Tensor
        override init() {
            scale = Tensor.ones([1])
            super.init()
            register(parameter: "scale", scale)
        }
    }

    static func contrastiveRun(noise: Double, modalities: [String]) throws -> ValidationResult {
        let model = Contrastive()
        let generator = RandomGenerator(seed: 1)
        let batches = (0..<3).map { _ in TensorBatch(["keys": Tensor.randn([8, 16], generator: generator)]) }
        let objective: Objective<TensorBatch> = { batch in
            let keys = batch.tensors["keys"]!
            var outputs: [String: Tensor] = [:]
            for name in modalities {
                outputs[name + "_embeds"] = try keys + Tensor.normal(keys.shape, std: noise, generator: generator)
            }
            outputs["logits_per_image"] = try outputs["image_embeds"]!.matmul(outputs["text_embeds"]!.t())
            return StepOutput(loss: try (model.scale * 1).sum(), outputs: outputs)
        }
        var options = TrainerOptions()
        options.randomGenerators = []
        let trainer = try Trainer(
            model: model, optimizer: try SGD(model.parameters()), train: ArrayBatchSource(batches),
            validation: ArrayBatchSource(batches), options: options, output: .silent(),
            objective: objective)
        return try trainer.validate()
    }

    @Test func recallAtKForContrastiveModels() throws {
        try InterruptLock.shared.withLock {
            let exact = try Self.contrastiveRun(noise: 0, modalities: ["image", "text"])
            #expect(
                exact.metrics.keys.sorted() == [
                    "image_to_text_recall@1", "image_to_text_recall@10", "image_to_text_recall@5", "loss",
                    "recall@1", "recall@10", "recall@5",
                    "text_to_image_recall@1", "text_to_image_recall@10", "text_to_image_recall@5",
                ])
            #expect(exact.metrics["recall@1"] == 1 && exact.confusion == nil)
            // Retrieval is over the whole validation set (24 samples), not within batches of 8.
            let noisy = try Self.contrastiveRun(noise: 1.5, modalities: ["image", "text", "audio"])
            #expect(noisy.metrics["audio_to_text_recall@1"] != nil && noisy.metrics["text_to_audio_recall@5"] != nil)
            #expect(noisy.metrics["recall@1"]! < 1 && noisy.metrics["recall@1"]! <= noisy.metrics["recall@10"]!)
            let mean =
                [
                    "image_to_text", "text_to_image", "image_to_audio", "audio_to_image", "text_to_audio",
                    "audio_to_text",
                ]
                .map { noisy.metrics[$0 + "_recall@5"]! }.reduce(0, +) / 6
            #expect(abs(noisy.metrics["recall@5"]! - mean) < 1e-12)
        }
    }

    @Test func classificationMetricsByName() throws {
        try InterruptLock.shared.withLock {
            var setup = try TrainerSetup()
            setup.configure = { $0.metrics = ["top2", "accuracy"] }
            let (trainer, _, log) = try setup.make()
            let result = try trainer.validate()
            #expect(result.metrics.keys.sorted() == ["accuracy", "loss", "top2"])
            #expect(result.metrics["top2"]! >= result.metrics["accuracy"]! && result.confusion == nil)
            #expect(
                log.lines == [
                    "  validation: loss \(NumberText.fixed(result.metrics["loss"]!, 4)), "
                        + "accuracy \(NumberText.fixed(result.metrics["accuracy"]!, 4)), top2 \(NumberText.fixed(result.metrics["top2"]!, 4))"
                ])
        }
    }
}
