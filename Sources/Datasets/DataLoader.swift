import TensorCore

/// Batches of a dataset, decoded on background threads ahead of the training step
/// (`data.loader`).
///
/// Each epoch visits the samples in an order fixed by the seed and the epoch number (a
/// Fisher–Yates shuffle with a generator seeded from both, or index order without `shuffle`),
/// so the batches are identical for any number of workers, and a loader restored from its
/// ``state`` resumes mid-epoch exactly.
///
/// ```swift
/// let loader = try DataLoader(dataset, options: LoaderOptions(batchSize: 8, shuffle: true, seed: 1))
/// let epoch = try loader.makeEpoch()
/// while let batch = try epoch.next() { … }   // closes itself after the last batch
/// ```
///
/// One epoch is open at a time; a loader is used from one thread (its workers are its own).
public final class DataLoader {
    /// The samples.
    public let dataset: any Dataset
    /// Batch size, shuffling, workers, error policy.
    public let options: LoaderOptions
    /// The seed the epoch orders derive from.
    public private(set) var seed: UInt64
    /// The epoch the next ``makeEpoch()`` starts or resumes.
    public internal(set) var epoch = 0
    /// Positions of that epoch's order already consumed.
    public internal(set) var position = 0
    private weak var open: Epoch?

    /// A loader over `dataset`.
    /// - Throws: ``DatasetError/invalidArgument(_:)`` for a bad option.
    public init(_ dataset: any Dataset, options: LoaderOptions = LoaderOptions()) throws {
        try options.validate()
        self.dataset = dataset
        self.options = options
        seed = options.seed ?? RandomGenerator.shared.next()
    }

    /// Batches per epoch when no sample is skipped.
    public var batchCount: Int {
        options.dropLast
            ? dataset.count / options.batchSize
            : (dataset.count + options.batchSize - 1) / options.batchSize
    }

    /// The sample indices of `epoch` in visiting order.
    public func order(ofEpoch epoch: Int) throws -> [Int] {
        guard options.shuffle else { return Array(0..<dataset.count) }
        let generator = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        return try Tensor.permutation(dataset.count, generator: generator)
            .withUnsafeBufferPointer(as: Int64.self) { $0.map { Int($0) } }
    }

    /// The loader's position, to save with a training checkpoint.
    public var state: LoaderState { LoaderState(epoch: epoch, position: position, seed: seed) }

    /// Moves the loader to a saved ``state``; the next ``makeEpoch()`` resumes there. Closes an
    /// epoch still open.
    public func restore(_ state: LoaderState) throws {
        guard state.epoch >= 0, (0...dataset.count).contains(state.position) else {
            throw DatasetError.invalidArgument(
                "loader state: epoch \(state.epoch), position \(state.position) "
                    + "do not fit a dataset of \(dataset.count) samples")
        }
        open?.close()
        (epoch, position, seed) = (state.epoch, state.position, state.seed)
    }

    /// Starts the epoch ``epoch`` at ``position`` and its workers, closing any epoch still open.
    public func makeEpoch() throws -> Epoch {
        open?.close()
        let prefetcher = try Prefetcher(
            dataset: dataset, order: order(ofEpoch: epoch), from: position, workers: options.workers,
            capacity: options.prefetchBatches * options.batchSize)
        let made = Epoch(loader: self, prefetcher: prefetcher)
        open = made
        return made
    }
}

/// One pass over a loader's samples. Finishing it, or closing it early, moves the loader to
/// the next epoch and stops the workers; so does dropping it.
public final class Epoch {
    /// The epoch number (0-based).
    public let number: Int
    /// The errors of samples skipped so far under ``ErrorPolicy/skip``, in order.
    public private(set) var skipped: [any Error] = []
    /// Whether the pass has ended (all batches taken, or closed).
    public private(set) var isClosed = false
    private let loader: DataLoader
    private let prefetcher: Prefetcher
    /// Samples gathered for a batch whose completion threw.
    private var carried: [Sample] = []

    init(loader: DataLoader, prefetcher: Prefetcher) {
        self.loader = loader
        self.prefetcher = prefetcher
        number = loader.epoch
    }

    deinit { close() }

    /// The next batch with the default collate (``Batch/init(collating:)``), or nil at the end.
    /// - Throws: the error of an unreadable sample (unless skipped), a collate error, or
    ///   `TensorError.interrupted` on Ctrl-C (the epoch stays open and can go on).
    public func next() throws -> Batch? {
        try nextSamples().map(Batch.init(collating:))
    }

    /// The samples of the next batch, for a custom collate; nil at the end.
    ///
    /// When a sample's error is thrown (or Ctrl-C), the samples already gathered for the batch
    /// are kept for the next call, and the loader's ``DataLoader/position`` stays at the start
    /// of the unfinished batch, so a state saved then resumes with that batch.
    public func nextSamples() throws -> [Sample]? {
        guard !isClosed else { return nil }
        let options = loader.options
        var samples = carried
        carried = []
        do {
            while samples.count < options.batchSize, let result = try prefetcher.next() {
                switch result {
                case .success(let sample): samples.append(sample)
                case .failure(let error) where options.onError == .skip: skipped.append(error)
                case .failure(let error): throw error
                }
            }
        } catch {
            carried = samples
            throw error
        }
        loader.position = prefetcher.position
        if samples.isEmpty || (options.dropLast && samples.count < options.batchSize) {
            close()
            return nil
        }
        return samples
    }

    /// Ends the pass: stops and joins the workers, and moves the loader to the next epoch
    /// (position 0). Safe to call more than once.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        prefetcher.close()
        loader.epoch = number + 1
        loader.position = 0
    }
}
