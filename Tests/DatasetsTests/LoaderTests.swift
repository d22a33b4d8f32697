import Datasets
import Foundation
import TensorCore
import Testing
import TestSupport

/// Batching, order, determinism across worker counts, resuming, skipping.
@Suite struct LoaderTests {
    @Test func sameBatchesForAnyWorkerCount() throws {
        try serialized {
            let ds = try SampleData.dataset()
            let (part, _) = try ds.split(fraction: 0.1, seed: 2)
            let inOrder = part.indices.map { ds.manifest.entries[$0].id }
            var runs: [[[Float]]] = []
            var idRuns: [[String]] = []
            for workers in [0, 1, 2] {
                let loader = try DataLoader(
                    part, options: LoaderOptions(batchSize: 4, shuffle: true, seed: 5, workers: workers))
                let epoch = try loader.makeEpoch()
                var run: [[Float]] = [], ids: [String] = []
                while let batch = try epoch.next() {
                    run.append(try floats(#require(batch.pixelValues)) + floats(#require(batch.inputValues)))
                    ids += batch.ids
                }
                runs.append(run)
                idRuns.append(ids)
            }
            #expect(runs[0].count == 5 && runs[1] == runs[0] && runs[2] == runs[0])
            #expect(idRuns[1] == idRuns[0] && idRuns[2] == idRuns[0])
            #expect(Set(idRuns[0]) == Set(inOrder) && idRuns[0] != inOrder)  // all of them, shuffled
        }
    }

    @Test func batchOfRealSamples() throws {
        try serialized {
            let loader = try DataLoader(try SampleData.dataset(), options: LoaderOptions(batchSize: 3))
            let batch = try #require(try loader.makeEpoch().next())
            #expect(batch.pixelValues?.shape == [3, 2, 3, 32, 32])
            #expect(batch.inputValues?.shape == [3, 48_000] && batch.attentionMask?.dtype == .int64)
            #expect(try ints(#require(batch.attentionMask)).allSatisfy { $0 == 1 })
            #expect(try batch.labels?.dtype == .int64 && ints(#require(batch.labels)) == [1, 2, 0])
            #expect(
                batch.text == [
                    "open the clock please", "show me the eyes that follow the mouse", "help me do some arithmetic",
                ])
            #expect(batch.ids == ["clips/clock_00.mp4", "clips/eyes_00.mp4", "clips/calculator_00.mp4"])
        }
    }

    @Test func voicesArePaddedWithAMask() throws {
        try serialized {
            let loader = try DataLoader(SyntheticDataset(count: 3), options: LoaderOptions(batchSize: 3, workers: 0))
            let batch = try #require(try loader.makeEpoch().next())
            #expect(batch.inputValues?.shape == [3, 5])
            #expect(try floats(#require(batch.inputValues)) == [0, 1, 2, 0, 0, 10, 11, 12, 13, 0, 20, 21, 22, 23, 24])
            #expect(try ints(#require(batch.attentionMask)) == [1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1])
            #expect(batch.pixelValues?.shape == [3, 1, 3, 2, 2] && batch.text == ["t0", "t1", "t2"])
        }
    }

    @Test func lastBatchAndDropLast() throws {
        try serialized {
            let ds = SyntheticDataset(count: 10)
            let keep = try DataLoader(ds, options: LoaderOptions(batchSize: 4))
            #expect(try keep.batchCount == 3 && epochIDs(keep).map(\.count) == [4, 4, 2])
            let drop = try DataLoader(ds, options: LoaderOptions(batchSize: 4, dropLast: true))
            #expect(try drop.batchCount == 2 && epochIDs(drop).map(\.count) == [4, 4])
        }
    }

    @Test func ordersFollowSeedAndEpoch() throws {
        try serialized {
            let ds = SyntheticDataset(count: 20)
            let a = try DataLoader(ds, options: LoaderOptions(batchSize: 5, shuffle: true, seed: 9))
            let b = try DataLoader(ds, options: LoaderOptions(batchSize: 5, shuffle: true, seed: 9))
            let c = try DataLoader(ds, options: LoaderOptions(batchSize: 5, shuffle: true, seed: 10))
            let a0 = try epochIDs(a), a1 = try epochIDs(a)
            #expect(a.epoch == 2 && a.position == 0)
            #expect(try a0 == epochIDs(b) && a1 == epochIDs(b))
            #expect(try a0 != a1 && a0 != epochIDs(c))
            #expect(Set(a0.joined()) == Set((0..<20).map { "s\($0)" }))
            let plain = try DataLoader(ds, options: LoaderOptions(batchSize: 20))
            #expect(try epochIDs(plain) == [(0..<20).map { "s\($0)" }])
        }
    }

    @Test func resumesMidEpochFromSavedState() throws {
        try serialized {
            let ds = SyntheticDataset(count: 23)
            let options = LoaderOptions(batchSize: 4, shuffle: true, seed: 3, workers: 2)
            let original = try DataLoader(ds, options: options)
            _ = try epochIDs(original)  // epoch 0
            let epoch = try original.makeEpoch()
            _ = try epoch.next()
            _ = try epoch.next()
            let saved = original.state
            #expect(saved == LoaderState(epoch: 1, position: 8, seed: 3))
            var rest: [[String]] = []
            while let batch = try epoch.next() { rest.append(batch.ids) }
            let resumed = try DataLoader(ds, options: LoaderOptions(batchSize: 4, shuffle: true, seed: 99, workers: 1))
            try resumed.restore(saved)
            #expect(try epochIDs(resumed) == rest)
            #expect(resumed.state == LoaderState(epoch: 2, position: 0, seed: 3))
            #expect(thrownError { try resumed.restore(LoaderState(epoch: 0, position: 24, seed: 0)) } != nil)
        }
    }

    @Test func closingEarlyMovesToTheNextEpoch() throws {
        try serialized {
            let ds = SyntheticDataset(count: 12)
            let loader = try DataLoader(ds, options: LoaderOptions(batchSize: 4, shuffle: true, seed: 1))
            let first = try loader.makeEpoch()
            _ = try first.next()
            #expect(loader.state.position == 4)
            first.close()
            #expect(loader.state == LoaderState(epoch: 1, position: 0, seed: 1))
            #expect(try first.next() == nil)
            // Starting an epoch closes the one still open.
            let second = try loader.makeEpoch()
            _ = try second.next()
            let third = try loader.makeEpoch()
            #expect(second.isClosed && third.number == 2)
        }
    }

    @Test func skipLeavesOutBadSamplesAndCountsThem() throws {
        try serialized {
            let ds = SyntheticDataset(count: 10, failing: [1, 2, 7])
            let loader = try DataLoader(ds, options: LoaderOptions(batchSize: 3, workers: 2, onError: .skip))
            let epoch = try loader.makeEpoch()
            var ids: [[String]] = []
            while let batch = try epoch.next() { ids.append(batch.ids) }
            #expect(ids == [["s0", "s3", "s4"], ["s5", "s6", "s8"], ["s9"]])
            #expect(
                epoch.skipped.map { "\($0)" } == ["synthetic:2: bad 1", "synthetic:3: bad 2", "synthetic:8: bad 7"])
        }
    }

    @Test func raiseStopsAtTheBadSampleAndCanGoOn() throws {
        try serialized {
            let loader = try DataLoader(SyntheticDataset(count: 6, failing: [3]), options: LoaderOptions(batchSize: 2))
            let epoch = try loader.makeEpoch()
            #expect(try epoch.next()?.ids == ["s0", "s1"])
            #expect("\(thrownError { _ = try epoch.next() }!)" == "synthetic:4: bad 3")
            #expect(loader.position == 2)  // a state saved now resumes with the unfinished batch
            #expect(try epoch.next()?.ids == ["s2", "s4"])  // s2, gathered before the error, is kept
            #expect(try epoch.next()?.ids == ["s5"])
            #expect(try epoch.next() == nil)
        }
    }

    @Test func collateNamesTheOddSample() throws {
        try serialized {
            struct Mixed: Dataset {
                var count: Int { 2 }
                var classes: [String] { [] }
                func label(at index: Int) -> Int? { nil }
                func sample(at index: Int) throws -> Sample {
                    Sample(pixelValues: Tensor.zeros([index + 1, 3, 2, 2]), id: "m\(index)")
                }
            }
            let loader = try DataLoader(Mixed(), options: LoaderOptions(batchSize: 2))
            let error = thrownError { _ = try loader.makeEpoch().next() }
            #expect(
                "\(error!)".hasPrefix(
                    "pixel_values of sample 'm1' has shape [2, 3, 2, 2] but sample 'm0' has [1, 3, 2, 2]"))
            let batch = try #require(try DataLoader(Mixed(), options: LoaderOptions(batchSize: 1)).makeEpoch().next())
            #expect(batch.labels == nil && batch.inputValues == nil && batch.text == nil)
        }
    }

    @Test func badOptions() {
        serialized {
            #expect(
                thrownError { _ = try DataLoader(SyntheticDataset(count: 1), options: LoaderOptions(batchSize: 0)) }
                    != nil)
            #expect(
                thrownError { _ = try DataLoader(SyntheticDataset(count: 1), options: LoaderOptions(workers: -1)) }
                    != nil)
        }
    }
}
