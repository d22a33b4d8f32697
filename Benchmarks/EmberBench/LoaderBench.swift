import Datasets
import Foundation
import Media

/// Loader throughput (samples/s) on a manifest — what a CLIP or ViT+Wav2Vec2 run reads: 8 frames
/// at 224×224, CLIP-normalized, and the voice at 16 kHz — with 0, 1 and 2 workers, then with the
/// disk cache cold and warm. The clips are visited 4 times per epoch so an epoch lasts seconds.
func loaderBenchmarks(manifest path: String) throws {
    func dataset(decoderThreads: Int) throws -> any Dataset {
        let clips = ManifestDataset(
            manifest: try Manifest(path: path),
            options: DecodeOptions(
                video: VideoOptions(
                    selection: .count(8), resize: .shortestEdge(224), centerCrop: true,
                    normalization: .clip, threads: decoderThreads)))
        return Subset(clips, indices: Array(repeating: Array(0..<clips.count), count: 4).flatMap { $0 })
    }
    func epoch(_ dataset: any Dataset, workers: Int) throws -> (samples: Int, wall: Double, cpu: Double) {
        let loader = try DataLoader(dataset, options: LoaderOptions(batchSize: 8, workers: workers))
        let cpu0 = processCPUSeconds(), t0 = now()
        let epoch = try loader.makeEpoch()
        var n = 0
        while let batch = try epoch.next() { n += batch.count }
        return (n, now() - t0, processCPUSeconds() - cpu0)
    }
    func report(_ label: String, runs: Int = 3, _ body: () throws -> (samples: Int, wall: Double, cpu: Double)) rethrows
    {
        var best: (samples: Int, wall: Double, cpu: Double)?
        for _ in 0..<runs {
            let run = try body()
            if best == nil || run.wall < best!.wall { best = run }
        }
        let b = best!
        print(
            "bench-loader: \(label): \(b.samples) samples in \(fixed(b.wall, 0, 2)) s (CPU \(fixed(b.cpu, 0, 2)) s) = "
                + "\(fixed(Double(b.samples) / b.wall, 0, 1)) samples/s")
    }
    let ds = try dataset(decoderThreads: 1)
    for workers in [0, 1, 2] {
        try report("\(workers) workers, 1 decoder thread each, no cache") { try epoch(ds, workers: workers) }
    }
    let dir = NSTemporaryDirectory() + "ember-bench-loader-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cached = try ds.cached(in: dir)
    try report("2 workers, cache cold (decode + write)", runs: 1) {
        try epoch(Subset(cached, indices: Array(0..<(ds.count / 4))), workers: 2)
    }
    for workers in [0, 2] {
        try report("\(workers) workers, cache warm") { try epoch(cached, workers: workers) }
    }
}
