import Media
import TensorCore

/// What the cache keeps of a sample: the frames as 8-bit RGB, before the float conversion and
/// normalization (a quarter of the float32 size, and normalization can change without a
/// decode), and the voice as float32.
struct CachedSample {
    var frames: [RGBImage]?
    var voice: Tensor?
}

/// The cache's file format: a safetensors file, written and read by TensorCore's safetensors
/// code, with `frames` (U8 `[T, H, W, 3]`), `input_values` (F32 `[N]`) and the cache key in
/// the metadata — an ordinary safetensors file that Python's `safetensors` reads.
enum SampleCacheFile {
    static let keyField = "ember.sample_cache.key"

    /// Writes `sample` under `key` to `path`, atomically.
    static func write(_ sample: CachedSample, key: String, to path: String) throws {
        var bytes: [String: SafeTensorsBytes] = [:]
        if let frames = sample.frames, let first = frames.first {
            bytes["frames"] = SafeTensorsBytes(
                dtype: "U8", shape: [frames.count, first.height, first.width, 3], bytes: frames.flatMap(\.pixels))
        }
        let tensors = sample.voice.map { ["input_values": $0] } ?? [:]
        try SafeTensors.save(tensors, bytes: bytes, metadata: [keyField: key], to: path)
    }

    /// The sample in the file at `path`, or nil when it is not a cache file for `key` (missing,
    /// another key, a damaged or foreign file).
    static func read(_ path: String, key: String) -> CachedSample? {
        guard let file = try? SafeTensorsFile(path: path), file.metadata[keyField] == key else { return nil }
        var sample = CachedSample()
        if let entry = file.entries["frames"] {
            let shape = entry.shape
            guard entry.dtype == "U8", shape.count == 4, shape[3] == 3, shape.allSatisfy({ $0 > 0 }),
                let pixels = try? file.bytes("frames")
            else { return nil }
            let size = shape[1] * shape[2] * 3
            guard
                let frames = try? (0..<shape[0]).map({ t in
                    try RGBImage(
                        width: shape[2], height: shape[1], pixels: Array(pixels[(t * size)..<((t + 1) * size)]))
                })
            else { return nil }
            sample.frames = frames
        }
        if let entry = file.entries["input_values"] {
            guard entry.dtype == "F32", entry.shape.count == 1, let voice = try? file.tensor("input_values") else {
                return nil
            }
            sample.voice = voice
        }
        return sample
    }
}
