import Datasets
import Foundation
import Media
import Testing
import TestSupport

/// Loader throughput on the sample dataset, run by scripts/bench-loader (which sets
/// `EMBER_BENCH_LOADER=1`); skipped in the ordinary suite.
@Suite(.serialized) struct LoaderBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["EMBER_BENCH_LOADER"] != nil

    /// What a CLIP or ViT+Wav2Vec2 run reads: 8 frames at 224×224, CLIP-normalized; the voice at
    /// 16 kHz, normalized. The 50 clips are visited 4 times per epoch, so an epoch lasts seconds,
    /// not a fraction of one, and the shared machine's noise averages out.
    static func dataset(decoderThreads: Int) throws -> any Dataset {
        let clips = ManifestDataset(manifest: try Manifest(path: SampleData.manifest), options: DecodeOptions(
            video: VideoOptions(selection: .count(8), resize: .shortestEdge(224), centerCrop: true,
                                normalization: .clip, threads: decoderThreads)))
        return Subset(clips, indices: Array(repeating: Array(0..<clips.count), count: 4).flatMap { $0 })
    }

    /// One epoch in batches of 8; returns (samples, wall seconds, CPU seconds).
    func epoch(_ dataset: any Dataset, workers: Int) throws -> (Int, Double, Double) {
        let loader = try DataLoader(dataset, options: LoaderOptions(batchSize: 8, workers: workers))
        let cpu0 = processCPUSeconds()
        let start = ContinuousClock.now
        let epoch = try loader.makeEpoch()
        var n = 0
        while let batch = try epoch.next() { n += batch.count }
        let elapsed = ContinuousClock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (n, wall, processCPUSeconds() - cpu0)
    }

    /// The best of three epochs (the machine is shared, so the best is the least disturbed).
    func report(_ label: String, _ body: () throws -> (Int, Double, Double)) rethrows {
        var best: (Int, Double, Double)?
        for _ in 0..<3 {
            let run = try body()
            if best == nil || run.1 < best!.1 { best = run }
        }
        let (n, wall, cpu) = best!
        print(String(format: "bench-loader: %@: %d samples in %.2f s (CPU %.2f s) = %.1f samples/s",
                     label, n, wall, cpu, Double(n) / wall))
    }

    func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    @Test(.enabled(if: enabled, "set EMBER_BENCH_LOADER (scripts/bench-loader)"))
    func throughput() throws {
        let ds = try Self.dataset(decoderThreads: 1)
        for workers in [0, 1, 2] {
            try report("\(workers) workers, 1 decoder thread each, no cache") { try epoch(ds, workers: workers) }
        }
        let threaded = try Self.dataset(decoderThreads: 0)
        for workers in [0, 2] {
            try report("\(workers) workers, FFmpeg's decoder threads, no cache") { try epoch(threaded, workers: workers) }
        }
        let dir = try Fixtures.temporaryDirectory("bench-loader-cache")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cached = try ds.cached(in: dir)
        let (n, wall, cpu) = try epoch(Subset(cached, indices: Array(0..<50)), workers: 2)
        print(String(format: "bench-loader: 2 workers, cache cold (decode + write): %d samples in %.2f s (CPU %.2f s) = %.1f samples/s",
                     n, wall, cpu, Double(n) / wall))
        for workers in [0, 2] {
            try report("\(workers) workers, cache warm") { try epoch(cached, workers: workers) }
        }
    }
}
