import Foundation
import TensorCore

/// Decodes the samples of a fixed order on worker threads, at most `capacity` positions ahead
/// of the consumer, and hands the results out strictly in order — so the batches are the same
/// whatever the number of workers, and memory stays bounded however slow the consumer is.
///
/// Workers claim the next position, decode it without holding the lock, and file the result
/// under its position; the consumer waits for the position it needs. With no workers the
/// consumer decodes each sample itself when asked.
final class Prefetcher: @unchecked Sendable {  // mutable state is guarded by `condition`
    private let dataset: any Dataset
    private let order: [Int]
    private let capacity: Int
    private let condition = NSCondition()
    private var claimed: Int
    private var delivered: Int
    private var results: [Int: Result<Sample, any Error>] = [:]
    private var stopping = false
    private var threads: [WorkerThread] = []

    /// Starts `workers` threads decoding `order[start...]`.
    init(dataset: any Dataset, order: [Int], from start: Int, workers: Int, capacity: Int) throws {
        self.dataset = dataset
        self.order = order
        self.capacity = max(capacity, workers, 1)
        claimed = start
        delivered = start
        do {
            for _ in 0..<workers { threads.append(try WorkerThread { [self] in work() }) }
        } catch {
            close()
            throw error
        }
    }

    /// Positions handed out so far (the next position to deliver).
    var position: Int {
        condition.lock()
        defer { condition.unlock() }
        return delivered
    }

    /// The next sample in order, or its error; nil after the last.
    /// - Throws: `TensorError.interrupted` when Ctrl-C is pending (polled while waiting); the
    ///   position is then not consumed, so the next call returns the same sample.
    func next() throws -> Result<Sample, any Error>? {
        condition.lock()
        guard delivered < order.count else {
            condition.unlock()
            return nil
        }
        let position = delivered
        var result: Result<Sample, any Error>?
        if threads.isEmpty {
            condition.unlock()
            try Interrupt.check()
            result = Result { try dataset.sample(at: order[position]) }
            condition.lock()
        } else {
            while results[position] == nil {
                if Interrupt.isPending {
                    condition.unlock()
                    throw TensorError.interrupted
                }
                // A timed wait, so a Ctrl-C is noticed while the workers are busy.
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
            }
            result = results[position]
        }
        if case .failure(TensorError.interrupted) = result {
            // A Ctrl-C cut this decode short. While it is pending, report it (the stale result
            // stays, so the next call comes back here); once cleared, decode the sample again.
            condition.unlock()
            try Interrupt.check()
            result = Result { try dataset.sample(at: order[position]) }
            if case .failure(TensorError.interrupted) = result { throw TensorError.interrupted }
            condition.lock()
        }
        results[position] = nil
        delivered = position + 1
        condition.broadcast()  // the window moved: a waiting worker may claim another position
        condition.unlock()
        return result
    }

    /// Stops the workers and waits for them to exit; a worker busy decoding finishes (or, on
    /// Ctrl-C, abandons) that one sample first. Safe to call more than once.
    func close() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        for thread in threads { thread.join() }
        threads.removeAll()
    }

    private func work() {
        condition.lock()
        defer { condition.unlock() }
        while true {
            while !stopping && claimed < order.count && claimed >= delivered + capacity {
                condition.wait()
            }
            if stopping || claimed >= order.count { return }
            let position = claimed
            claimed += 1
            condition.unlock()
            let result = Result { try dataset.sample(at: order[position]) }
            condition.lock()
            results[position] = result
            condition.broadcast()
        }
    }
}
