import Datasets
import TensorCore
import TestSupport
import Testing
import Train

/// The trainer over the Datasets loader: batches decoded by workers, a shuffled order per epoch,
/// and a checkpoint that resumes the loader where it stood.
@Suite struct TrainerLoaderTests {
    /// Blobs as a dataset: each sample's `inputs` is an extra tensor, collated into `[B, 4]`.
    struct Points: Dataset {
        let inputs: [Tensor]
        let labels: [Int]

        init(count: Int, seed: UInt64) throws {
            let batch = try Blobs.batches(1, size: count, seed: seed)[0]
            let x = batch.tensors["inputs"]!
            inputs = try (0..<count).map { try x.select(axis: 0, index: $0).contiguous() }
            labels = batch.tensors["labels"]!.toArray(of: Int64.self).map { Int($0) }
        }

        var count: Int { inputs.count }
        var classes: [String] { ["a", "b", "c"] }
        func sample(at index: Int) throws -> Sample {
            Sample(label: labels[index], id: "p\(index)", extras: ["inputs": inputs[index]])
        }
        func label(at index: Int) -> Int? { labels.indices.contains(index) ? labels[index] : nil }
    }

    static func make(stopAt step: Int? = nil) throws -> (Trainer<Batch>, TinyClassifier) {
        let generator = RandomGenerator(seed: 7)
        let model = TinyClassifier(generator: generator)
        let optimizer = try Adam.adamW(model.parameters(), .adamW(learningRate: 0.05))
        let train = try DataLoader(
            try Points(count: 60, seed: 1), options: LoaderOptions(batchSize: 8, shuffle: true, seed: 3))
        let validation = try DataLoader(try Points(count: 30, seed: 2), options: LoaderOptions(batchSize: 10))
        var options = TrainerOptions()
        options.randomGenerators = [generator]
        let trainer = try Trainer(
            model: model, optimizer: optimizer, train: LoaderSource(train),
            validation: LoaderSource(validation), options: options, output: .silent())
        if let step { trainer.callbacks.onStep = { if $0.step == step { trainer.requestStop() } } }
        return (trainer, model)
    }

    @Test func learnsAndResumesTheShuffledLoader() throws {
        try InterruptLock.shared.withLock {
            let (reference, referenceModel) = try Self.make()
            let last = try #require(try reference.fit(epochs: 3))
            #expect(last.metrics["accuracy"]! > 0.8 && reference.globalStep == 24)  // 8 batches of 60 samples per epoch

            let folder = try Fixtures.temporaryDirectory("trainer-loader") + "/checkpoint"
            let (first, _) = try Self.make(stopAt: 11)
            try first.fit(epochs: 3)
            try first.save(to: folder)
            let (second, secondModel) = try Self.make()
            try second.resume(from: folder)
            try second.fit(epochs: 3)
            #expect(parameterValues(secondModel) == parameterValues(referenceModel))
            #expect(second.history == reference.history)
        }
    }
}
