import Datasets
import Foundation
import TensorCore
import Testing
import TestSupport

/// Ctrl-C stops a loader promptly, and closing or dropping an epoch stops its workers.
/// Ctrl-C is process-wide, so scripts/test runs every `InterruptTests` suite in a second
/// `swift test` pass, apart from the tests it could hit.
@Suite struct InterruptTests {
    @Test func ctrlCStopsIterationAndTheWorkers() throws {
        try serialized {
            defer { Interrupt.clear() }
            let ds = SyntheticDataset(count: 200, delay: 0.02)
            let loader = try DataLoader(ds, options: LoaderOptions(batchSize: 2, workers: 2))
            let epoch = try loader.makeEpoch()
            _ = try epoch.next()
            Thread.detachNewThread {
                usleep(50_000)
                Interrupt.request()
            }
            let start = Date()
            var error: (any Error)?
            do {
                while try epoch.next() != nil {}
            } catch let thrown {
                error = thrown
            }
            #expect(error as? TensorError == .interrupted)
            #expect(Date().timeIntervalSince(start) < 2)
            epoch.close()
            let after = ds.probe.counts
            #expect(after.active == 0 && after.total < 200)
            Interrupt.clear()
            usleep(100_000)
            #expect(ds.probe.counts.total == after.total)  // no worker is left to start another
        }
    }

    @Test func anInterruptedEpochCanGoOnOnceCleared() throws {
        try serialized {
            defer { Interrupt.clear() }
            let ds = SyntheticDataset(count: 12, delay: 0.01)
            let loader = try DataLoader(ds, options: LoaderOptions(batchSize: 3, workers: 2))
            let epoch = try loader.makeEpoch()
            _ = try epoch.next()
            Interrupt.request()
            #expect(thrownError { _ = try epoch.next() } as? TensorError == .interrupted)
            Interrupt.clear()
            // Samples whose decoding the interrupt cut short are decoded again.
            var ids: [String] = []
            while let batch = try epoch.next() { ids += batch.ids }
            #expect(ids == (3..<12).map { "s\($0)" })
        }
    }

    @Test func droppingAnEpochJoinsItsWorkers() throws {
        try serialized {
            let ds = SyntheticDataset(count: 100, delay: 0.005)
            let loader = try DataLoader(ds, options: LoaderOptions(batchSize: 2, workers: 2))
            do {
                let epoch = try loader.makeEpoch()
                _ = try epoch.next()
            }
            let after = ds.probe.counts
            #expect(after.active == 0 && after.threads <= 2)
            usleep(50_000)
            #expect(ds.probe.counts.total == after.total)
            #expect(loader.state.epoch == 1)
        }
    }
}
