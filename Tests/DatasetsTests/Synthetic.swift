import Datasets
import Foundation
import TensorCore

/// Counts the calls of a ``SyntheticDataset`` in progress and in all.
final class CallProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0, total = 0, threads = Set<pthread_t>()

    func enter() {
        lock.withLock {
            active += 1; total += 1; threads.insert(pthread_self())
        }
    }
    func leave() { lock.withLock { active -= 1 } }
    var counts: (active: Int, total: Int, threads: Int) { lock.withLock { (active, total, threads.count) } }
}

/// A dataset whose sample `i` is made from `i` without decoding: frames `[1, 3, 2, 2]` filled
/// with `i`, a voice of `3 + i % 4` samples, label `i % 3`. Indices in `failing` throw; `delay`
/// makes each sample take that long (polling the interrupt flag, as decoding does).
struct SyntheticDataset: Dataset {
    var count: Int
    var failing: Set<Int> = []
    var delay: Double = 0
    var probe = CallProbe()

    var classes: [String] { ["a", "b", "c"] }
    func label(at index: Int) -> Int? { index % 3 }

    func sample(at index: Int) throws -> Sample {
        probe.enter()
        defer { probe.leave() }
        let end = Date(timeIntervalSinceNow: delay)
        while Date() < end {
            try Interrupt.check()
            usleep(1_000)
        }
        if failing.contains(index) {
            throw DatasetError.sample(manifest: "synthetic", line: index + 1, reason: "bad \(index)")
        }
        let n = 3 + index % 4
        return Sample(
            pixelValues: Tensor.full([1, 3, 2, 2], Double(index)),
            inputValues: try Tensor(shape: [n], scalars: (0..<n).map { Float(index * 10 + $0) }),
            label: index % 3, text: "t\(index)", id: "s\(index)")
    }
}

/// The ids of every batch of one epoch.
func epochIDs(_ loader: DataLoader) throws -> [[String]] {
    let epoch = try loader.makeEpoch()
    var ids: [[String]] = []
    while let batch = try epoch.next() { ids.append(batch.ids) }
    return ids
}
