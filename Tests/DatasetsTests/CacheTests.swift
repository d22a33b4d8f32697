import Datasets
import Foundation
import Media
import Synchronization
import TensorCore
import Testing
import TestSupport

/// The disk cache: a second read decodes nothing; a changed file or other options miss.
@Suite struct CacheTests {
    /// A copy of one clip in a scratch folder, and a cached dataset of it.
    func scratchDataset(_ name: String, options: DecodeOptions = SampleData.options) throws
        -> (dataset: any Dataset, clip: String, cache: String)
    {
        let dir = try Fixtures.temporaryDirectory(name)
        let clip = dir + "/clip.mp4"
        try FileManager.default.copyItem(atPath: SampleData.clips + "/clock_00.mp4", toPath: clip)
        let manifest = try Manifest(
            entries: [ManifestEntry(line: 1, video: "clip.mp4", start: 0.5, stop: 2.5, label: "clock")],
            directory: dir)
        let cache = dir + "/cache/nested"
        return (try ManifestDataset(manifest: manifest, options: options).cached(in: cache), clip, cache)
    }

    func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".safetensors") }
    }

    /// Overwrites `path` with random bytes of the same size, keeping its modification time.
    func scramble(keepingTime path: String) throws {
        var info = stat()
        #expect(stat(path, &info) == 0)
        let size = Int(info.st_size)
        try Data((0..<size).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: path))
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func secondReadComesFromTheCache() throws {
        try serialized {
            let (ds, clip, cache) = try scratchDataset("cache-hit")
            let first = try ds.sample(at: 0)
            #expect(try files(cache).count == 1)
            let second = try ds.sample(at: 0)
            #expect(try floats(#require(second.pixelValues)) == floats(#require(first.pixelValues)))
            #expect(try floats(#require(second.inputValues)) == floats(#require(first.inputValues)))
            #expect(second.label == 0 && second.id == "clip.mp4")
            // The clip is now garbage with the old time and size: only a cache hit can still read it.
            try scramble(keepingTime: clip)
            let third = try ds.sample(at: 0)
            #expect(try floats(#require(third.pixelValues)) == floats(#require(first.pixelValues)))
            // A new modification time misses the cache, so the garbage is decoded and fails.
            #expect(utimensat(AT_FDCWD, clip, nil, 0) == 0)  // both times set to now
            let error = thrownError { _ = try ds.sample(at: 0) }
            #expect("\(error!)".contains("clip.mp4"))
        }
    }

    @Test func optionsArePartOfTheKey() throws {
        try serialized {
            let (ds, _, cache) = try scratchDataset("cache-options")
            _ = try ds.sample(at: 0)
            var options = SampleData.options
            options.video.resize = .shortestEdge(24)
            let other = try ManifestDataset(manifest: (ds as! ManifestDataset).manifest, options: options).cached(
                in: cache)
            #expect(try other.sample(at: 0).pixelValues?.shape == [2, 3, 24, 24])
            #expect(try files(cache).count == 2)
            // Decoder threads do not change the output, and normalization is applied to the cached
            // bytes, so neither needs an entry of its own.
            options = SampleData.options
            options.video.threads = 2
            options.video.normalization = .imagenet
            let manifest = (ds as! ManifestDataset).manifest
            let imagenet = try ManifestDataset(manifest: manifest, options: options).cached(in: cache).sample(at: 0)
            #expect(try files(cache).count == 2)
            let uncached = try ManifestDataset(manifest: manifest, options: options).sample(at: 0)
            #expect(try floats(#require(imagenet.pixelValues)) == floats(#require(uncached.pixelValues)))
        }
    }

    @Test func entriesAreSafetensorsOfBytesAndFloats() throws {
        try serialized {
            let (ds, _, cache) = try scratchDataset("cache-format")
            let sample = try ds.sample(at: 0)
            let file = try SafeTensorsFile(path: cache + "/" + files(cache)[0])
            #expect(file.entries["frames"]?.dtype == "U8" && file.entries["frames"]?.shape == [2, 32, 32, 3])
            #expect(file.entries["input_values"]?.dtype == "F32" && file.entries["input_values"]?.shape == [32_000])
            #expect(try floats(file.tensor("input_values")) == floats(#require(sample.inputValues)))
            #expect(file.metadata["ember.sample_cache.key"]?.contains("/clip.mp4 mtime ") == true)
        }
    }

    /// A cache that cannot be written (here its folder is gone; a full disk is the same) costs
    /// only the caching: every sample is still decoded, and the failure is reported once.
    @Test func aFailedWriteFallsBackToTheDecodedSampleAndWarnsOnce() throws {
        try serialized {
            let (ds, _, cache) = try scratchDataset("cache-unwritable")
            let warnings = Mutex<[String]>([])
            let broken = try ManifestDataset(
                manifest: (ds as! ManifestDataset).manifest, options: SampleData.options,
                cache: SampleCache(directory: cache) { message in warnings.withLock { $0.append(message) } })
            try FileManager.default.removeItem(atPath: cache)
            let uncached = try ManifestDataset(manifest: (ds as! ManifestDataset).manifest, options: SampleData.options)
            for _ in 0..<3 {
                let sample = try broken.sample(at: 0)
                #expect(
                    try floats(#require(sample.pixelValues)) == floats(#require(uncached.sample(at: 0).pixelValues)))
            }
            let seen = warnings.withLock { $0 }
            #expect(seen.count == 1, "\(seen)")
            #expect(seen.first?.hasPrefix("warning: cannot write to the sample cache \(cache): ") == true)
            #expect(seen.first?.contains("No such file or directory") == true, "\(seen)")
        }
    }

    @Test func splitsAndMapsCacheTheirBase() throws {
        try serialized {
            let ds = try SampleData.dataset()
            let dir = try Fixtures.temporaryDirectory("cache-split")
            let (part, _) = try ds.split(fraction: 0.025, seed: 1)
            let cached = try part.map { $0 }.cached(in: dir)
            #expect(cached.count == 5)
            _ = try cached.sample(at: 0)
            #expect(try files(dir).count == 1)
        }
    }
}
