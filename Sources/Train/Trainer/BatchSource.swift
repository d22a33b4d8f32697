import FoundationEssentials
import TensorCore

/// One batch as the trainer sees it: named tensors with Hugging Face's input names
/// (`pixel_values`, `input_values`, `attention_mask`, `input_ids`, `labels`, …).
///
/// The trainer reads `labels` (int64 class ids `[B]`) for the metrics and the label checks;
/// everything else goes to the model or the loss function untouched.
public protocol TrainingBatch {
    /// The batch's tensors by name.
    var tensors: [String: Tensor] { get }
    /// How many samples the batch holds (weights the validation loss).
    var sampleCount: Int { get }
}

extension TrainingBatch {
    /// The class ids, when the batch has them.
    public var labels: Tensor? { tensors["labels"] }
}

/// A batch that is just named tensors.
public struct TensorBatch: TrainingBatch {
    /// The tensors by name.
    public var tensors: [String: Tensor]

    /// A batch of `tensors`.
    public init(_ tensors: [String: Tensor]) { self.tensors = tensors }

    /// The length of `labels`, else of the first axis of the first tensor by name.
    public var sampleCount: Int {
        if let labels, labels.rank >= 1 { return labels.shape[0] }
        let first = tensors.keys.sorted().lazy.compactMap { self.tensors[$0] }.first { $0.rank >= 1 }
        return first?.shape[0] ?? 1
    }
}

/// Where a trainer's batches come from: passes (epochs) over some data, one batch at a time,
/// with a position that can be saved in a checkpoint and restored to resume mid-pass.
///
/// `nextBatch()` returns the batches of the current pass in order and then nil once; the call
/// after that nil starts the next pass. The Datasets loader satisfies this through an adapter;
/// ``ArrayBatchSource`` holds batches in memory.
public protocol BatchSource<Batch>: AnyObject {
    associatedtype Batch
    /// Batches in one pass, when known (for the progress bar and its ETA).
    var batchesPerPass: Int? { get }
    /// The next batch of the current pass, or nil when the pass is over.
    func nextBatch() throws -> Batch?
    /// Makes the next ``nextBatch()`` start a new pass from its beginning (validation sources
    /// are rewound before each validation). A source that is at the start of a pass stays there.
    func rewind() throws
    /// The position — pass, place in the pass, and whatever fixes the order — as JSON text, or
    /// nil when the source cannot resume mid-pass.
    func savedPosition() throws -> String?
    /// Continues from a position made by ``savedPosition()``.
    func restorePosition(_ saved: String) throws
}

/// Batches held in memory, visited in order or in a seeded shuffled order per pass.
///
/// The order of pass `n` is a permutation drawn from a generator seeded with `seed` and `n`, so a
/// restored position continues with exactly the batches an uninterrupted run would see.
public final class ArrayBatchSource<Batch>: BatchSource {
    /// The batches.
    public let batches: [Batch]
    /// Whether each pass visits the batches in a new random order.
    public let shuffle: Bool
    /// Fixes the shuffled orders.
    public let seed: UInt64
    /// The current pass (0-based).
    public private(set) var pass = 0
    /// Batches of the current pass already returned.
    public private(set) var index = 0
    private var order: [Int] = []

    /// A source over `batches`.
    public init(_ batches: [Batch], shuffle: Bool = false, seed: UInt64 = 0) {
        self.batches = batches
        self.shuffle = shuffle
        self.seed = seed
        order = Self.order(count: batches.count, shuffle: shuffle, seed: seed, pass: 0)
    }

    public var batchesPerPass: Int? { batches.count }

    public func nextBatch() throws -> Batch? {
        guard index < batches.count else {
            startPass(pass + 1)
            return nil
        }
        index += 1
        return batches[order[index - 1]]
    }

    public func rewind() throws {
        if index > 0 { startPass(pass + 1) }
    }

    private struct Position: Codable {
        var pass: Int
        var index: Int
        var seed: String  // text: JSON numbers are doubles and would round a 64-bit seed
    }

    public func savedPosition() throws -> String? {
        let data = try JSONEncoder().encode(Position(pass: pass, index: index, seed: String(seed)))
        return String(decoding: data, as: UTF8.self)
    }

    public func restorePosition(_ saved: String) throws {
        guard let position = try? JSONDecoder().decode(Position.self, from: Data(saved.utf8)),
            position.pass >= 0, (0...batches.count).contains(position.index), position.seed == String(seed)
        else {
            throw TrainingError.checkpoint(
                "the saved position \(saved) does not fit this source (\(batches.count) batches, seed \(seed))")
        }
        startPass(position.pass)
        index = position.index
    }

    private func startPass(_ n: Int) {
        pass = n
        index = 0
        order = Self.order(count: batches.count, shuffle: shuffle, seed: seed, pass: n)
    }

    private static func order(count: Int, shuffle: Bool, seed: UInt64, pass: Int) -> [Int] {
        guard shuffle, count > 1 else { return Array(0..<count) }
        let generator = RandomGenerator(seed: seed &+ UInt64(pass) &* 0x9E37_79B9_7F4A_7C15)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(generator.integer(in: 0..<Int64(i + 1))))
        }
        return order
    }
}
