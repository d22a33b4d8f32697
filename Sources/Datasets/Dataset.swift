import TensorCore

/// A finite, indexable collection of samples that worker threads may read concurrently.
///
/// ``ManifestDataset`` decodes manifest rows; ``Subset`` (from ``split(fraction:seed:stratified:)``)
/// and ``MappedDataset`` (from ``map(_:)``) wrap another dataset. Indices are 0-based here; the
/// Lua binding shifts them (`ds[1]` is `sample(at: 0)`).
public protocol Dataset: Sendable {
    /// The number of samples.
    var count: Int { get }
    /// Label names in class-id order (empty for unlabelled data).
    var classes: [String] { get }
    /// Decodes sample `index` (0-based).
    /// - Throws: an error naming the manifest line and the file, or `TensorError.interrupted`.
    func sample(at index: Int) throws -> Sample
    /// The class id of sample `index` without decoding it (used to stratify splits); nil for an
    /// unlabelled sample or an index out of range.
    func label(at index: Int) -> Int?
    /// The same dataset reading and writing decoded samples in `directory`; see ``SampleCache``.
    func cached(in directory: String) throws -> any Dataset
}

extension Dataset {
    /// Splits the dataset in two at random: the first part holds `fraction` of the samples,
    /// the second the rest; both keep the original order.
    ///
    /// Stratified (the default, when every sample has a label): each class is split on its
    /// own, its first part taking `round(fraction × size)` of its samples, so both parts keep
    /// the class proportions. Otherwise `round(fraction × count)` samples are drawn at random.
    /// The same seed gives the same split on every run.
    public func split(fraction: Double, seed: UInt64, stratified: Bool = true) throws -> (Subset, Subset) {
        guard fraction >= 0, fraction <= 1 else {
            throw DatasetError.invalidArgument("split: fraction must be in [0, 1], got \(fraction)")
        }
        let generator = RandomGenerator(seed: seed)
        let labels = (0..<count).map { label(at: $0) }
        var groups: [[Int]]
        if stratified, count > 0, labels.allSatisfy({ $0 != nil }) {
            groups = Dictionary(grouping: 0..<count) { labels[$0]! }.sorted { $0.key < $1.key }.map(\.value)
        } else {
            groups = [Array(0..<count)]
        }
        var first: [Int] = []
        for group in groups {
            let order = try Tensor.permutation(group.count, generator: generator)
                .withUnsafeBufferPointer(as: Int64.self) { Array($0) }
            let taken = Int((fraction * Double(group.count)).rounded())
            first += order.prefix(taken).map { group[Int($0)] }
        }
        let chosen = Set(first)
        return (
            Subset(self, indices: first.sorted()),
            Subset(self, indices: (0..<count).filter { !chosen.contains($0) })
        )
    }

    /// The dataset with `transform` applied to each sample after decoding (on the worker
    /// thread that decoded it).
    public func map(_ transform: @escaping @Sendable (Sample) throws -> Sample) -> MappedDataset {
        MappedDataset(self, transform: transform)
    }

    /// Datasets without a disk cache of their own.
    public func cached(in directory: String) throws -> any Dataset {
        throw DatasetError.invalidArgument("a \(type(of: self)) has no disk cache; cache the manifest dataset")
    }

    /// Checks that `index` is in range.
    func checkIndex(_ index: Int) throws {
        guard index >= 0, index < count else {
            throw DatasetError.invalidArgument("sample index \(index) is out of range 0..<\(count)")
        }
    }
}

/// The samples of another dataset at chosen indices (one part of a split).
public struct Subset: Dataset {
    /// The dataset the indices refer to.
    public let base: any Dataset
    /// Indices into ``base``, in order.
    public let indices: [Int]

    /// The samples of `base` at `indices`.
    public init(_ base: any Dataset, indices: [Int]) {
        self.base = base
        self.indices = indices
    }

    /// The number of chosen indices.
    public var count: Int { indices.count }
    /// The base's classes (class ids keep their meaning in every part).
    public var classes: [String] { base.classes }

    /// The base's sample at `indices[index]`.
    public func sample(at index: Int) throws -> Sample {
        try checkIndex(index)
        return try base.sample(at: indices[index])
    }

    /// The base's label at `indices[index]`.
    public func label(at index: Int) -> Int? {
        indices.indices.contains(index) ? base.label(at: indices[index]) : nil
    }

    /// The same indices into the base with its cache turned on.
    public func cached(in directory: String) throws -> any Dataset {
        Subset(try base.cached(in: directory), indices: indices)
    }
}

/// Another dataset's samples passed through a transform.
public struct MappedDataset: Dataset {
    /// The dataset whose samples are transformed.
    public let base: any Dataset
    private let transform: @Sendable (Sample) throws -> Sample

    /// `base` with `transform` applied to each sample.
    public init(_ base: any Dataset, transform: @escaping @Sendable (Sample) throws -> Sample) {
        self.base = base
        self.transform = transform
    }

    /// The base's count.
    public var count: Int { base.count }
    /// The base's classes.
    public var classes: [String] { base.classes }
    /// The base's sample `index`, transformed.
    public func sample(at index: Int) throws -> Sample { try transform(base.sample(at: index)) }

    /// The label before the transform (a transform may change it; splits use this one).
    public func label(at index: Int) -> Int? { base.label(at: index) }

    /// Caches the decoded samples of the base; the transform still runs on each read.
    public func cached(in directory: String) throws -> any Dataset {
        MappedDataset(try base.cached(in: directory), transform: transform)
    }
}
