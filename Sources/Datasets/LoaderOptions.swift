import TensorCore

/// Options of a ``DataLoader`` (`data.loader`'s options table).
public struct LoaderOptions: Sendable, Equatable {
    /// Samples per batch (`batch=`).
    public var batchSize: Int
    /// Whether each epoch visits the samples in a new random order (`shuffle=`).
    public var shuffle: Bool
    /// The seed of the epoch orders (`seed=`); nil draws one from
    /// `RandomGenerator.shared` (`tensor.seed`) when the loader is made.
    public var seed: UInt64?
    /// Background decoding threads (`workers=`); 0 decodes on the caller's thread.
    public var workers: Int
    /// Whether to leave out a last batch smaller than ``batchSize`` (`drop_last=`).
    public var dropLast: Bool
    /// What to do with a sample that cannot be read (`on_error=`).
    public var onError: ErrorPolicy
    /// How many batches the workers may decode ahead of the consumer; bounds memory.
    public var prefetchBatches: Int

    /// Creates options; by default batches of one, in order, two workers (the machine's two
    /// cores decode while the training step runs), errors raised.
    public init(
        batchSize: Int = 1, shuffle: Bool = false, seed: UInt64? = nil, workers: Int = 2,
        dropLast: Bool = false, onError: ErrorPolicy = .raise, prefetchBatches: Int = 2
    ) {
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.workers = workers
        self.dropLast = dropLast
        self.onError = onError
        self.prefetchBatches = prefetchBatches
    }

    func validate() throws {
        guard batchSize >= 1 else { throw DatasetError.invalidArgument("batch must be ≥ 1, got \(batchSize)") }
        guard workers >= 0 else { throw DatasetError.invalidArgument("workers must be ≥ 0, got \(workers)") }
        guard prefetchBatches >= 1 else {
            throw DatasetError.invalidArgument("prefetch must be ≥ 1 batch, got \(prefetchBatches)")
        }
    }
}

/// Where a loader stands, for training checkpoints: restoring it makes the next epoch resume
/// at the same sample with the same order.
public struct LoaderState: Sendable, Equatable, Codable {
    /// The epoch the next batch belongs to (0-based).
    public var epoch: Int
    /// Positions of that epoch's order already consumed (delivered or skipped).
    public var position: Int
    /// The seed the epoch orders derive from.
    public var seed: UInt64

    /// Creates a state.
    public init(epoch: Int, position: Int, seed: UInt64) {
        self.epoch = epoch
        self.position = position
        self.seed = seed
    }
}
