import Datasets
import FoundationEssentials
import TensorCore

extension Batch: TrainingBatch {
    /// `pixel_values`, `input_values`, `attention_mask`, `labels` and the extra tensors, by
    /// Hugging Face name.
    public var tensors: [String: Tensor] {
        var tensors = extras
        for (name, tensor) in [
            ("pixel_values", pixelValues), ("input_values", inputValues),
            ("attention_mask", attentionMask), ("labels", labels),
        ] {
            if let tensor { tensors[name] = tensor }
        }
        return tensors
    }

    public var sampleCount: Int { count }
}

/// A ``DataLoader`` as a trainer's batch source: its epochs are the passes, and its
/// ``LoaderState`` — epoch, samples consumed, seed — is the saved position, so a resumed run
/// continues with the very batch an uninterrupted one would take next, in the same shuffled
/// order, without decoding what came before.
///
/// ```swift
/// let train = LoaderSource(try DataLoader(dataset, options: LoaderOptions(batchSize: 8, shuffle: true, seed: 1)))
/// let trainer = try Trainer(model: fusion, optimizer: adamW, train: train, validation: LoaderSource(valLoader))
/// ```
public final class LoaderSource: BatchSource {
    /// The loader.
    public let loader: DataLoader
    private var epoch: Epoch?

    public init(_ loader: DataLoader) { self.loader = loader }

    /// Batches per epoch when no sample is skipped.
    public var batchesPerPass: Int? { loader.batchCount }

    public func nextBatch() throws -> Batch? {
        let current = try epoch ?? loader.makeEpoch()
        epoch = current
        guard let batch = try current.next() else {
            epoch = nil  // the epoch closed itself; the loader stands at the next one
            return nil
        }
        return batch
    }

    /// Closes a pass that has begun (the loader moves to its next epoch); a loader at the start
    /// of an epoch stays there.
    public func rewind() throws {
        guard loader.position > 0 else { return }
        if let open = epoch {
            open.close()
            epoch = nil
        } else {
            try loader.restore(LoaderState(epoch: loader.epoch + 1, position: 0, seed: loader.seed))
        }
    }

    public func savedPosition() throws -> String? {
        let state = loader.state
        let position = Position(epoch: state.epoch, position: state.position, seed: String(state.seed))
        return String(decoding: try JSONEncoder().encode(position), as: UTF8.self)
    }

    public func restorePosition(_ saved: String) throws {
        guard let position = try? JSONDecoder().decode(Position.self, from: Data(saved.utf8)),
            let seed = UInt64(position.seed)
        else {
            throw TrainingError.checkpoint("the saved position \(saved) is not a data loader's")
        }
        epoch = nil
        try loader.restore(LoaderState(epoch: position.epoch, position: position.position, seed: seed))
    }

    /// ``LoaderState`` with the seed as text: JSON numbers are doubles, which round 64-bit seeds.
    private struct Position: Codable {
        var epoch: Int
        var position: Int
        var seed: String
    }
}
