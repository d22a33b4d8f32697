import Media
import TensorCore

/// The samples of a ``Manifest``, decoded with Media and preprocessed (`data.manifest`).
///
/// Sample `i` is row `i`: its video's frames as ``DecodeOptions`` select and preprocess them,
/// `[T, 3, H, W]`; its voice mono at ``DecodeOptions/audioRate``, Wav2Vec2-normalized, `[N]`
/// (from the row's `audio` file, or else the video's own audio track; no `input_values` when
/// the video has none); the class id of its label; its text and id. Both streams use the row's
/// `start`/`stop`.
///
/// ```swift
/// let ds = try ManifestDataset(manifest: Manifest(path: "data/train.jsonl"),
///                              options: DecodeOptions(video: VideoOptions(selection: .count(8))))
/// let sample = try ds.sample(at: 0)   // pixelValues [8, 3, H, W], inputValues [N]
/// ```
public struct ManifestDataset: Dataset {
    /// The rows.
    public let manifest: Manifest
    /// How rows are decoded.
    public let options: DecodeOptions
    /// The disk cache, when ``cached(in:)`` made one.
    public let cache: SampleCache?

    /// A dataset of `manifest`'s rows decoded with `options`.
    public init(manifest: Manifest, options: DecodeOptions = DecodeOptions(), cache: SampleCache? = nil) {
        self.manifest = manifest
        self.options = options
        self.cache = cache
    }

    /// The number of rows.
    public var count: Int { manifest.entries.count }
    /// The manifest's classes.
    public var classes: [String] { manifest.classes }
    /// The class id of row `index`'s label, read from the manifest.
    public func label(at index: Int) -> Int? {
        manifest.entries.indices.contains(index) ? manifest.classID(of: manifest.entries[index]) : nil
    }

    /// The same dataset with a ``SampleCache`` in `directory`.
    public func cached(in directory: String) throws -> any Dataset {
        ManifestDataset(manifest: manifest, options: options, cache: try SampleCache(directory: directory))
    }

    /// Decodes row `index` (or reads it from the cache).
    /// - Throws: ``DatasetError/sample(manifest:line:reason:)`` naming the manifest line, the
    ///   media file and FFmpeg's or libsndfile's reason; `TensorError.interrupted` on Ctrl-C.
    public func sample(at index: Int) throws -> Sample {
        try checkIndex(index)
        let entry = manifest.entries[index]
        do {
            let decoded = try self.decoded(entry)
            // The float conversion and normalization come after the cache (it keeps bytes):
            // exactly what Video.read does after decoding.
            let pixels = try decoded.frames.map {
                try Video.floatFrames($0, normalization: options.video.normalization)
            }
            return Sample(
                pixelValues: pixels, inputValues: decoded.voice, label: manifest.classID(of: entry),
                text: entry.text, id: entry.id)
        } catch TensorError.interrupted {
            throw TensorError.interrupted
        } catch {
            throw DatasetError.sample(manifest: manifest.path, line: entry.line, reason: "\(error)")
        }
    }

    /// The row's frames as RGB and its voice, decoded or read from the cache.
    private func decoded(_ entry: ManifestEntry) throws -> CachedSample {
        let video = entry.video.map(manifest.resolve)
        let audio = entry.audio.map(manifest.resolve)
        let key = cache?.key(
            files: [video, audio],
            details: "range \(entry.start.map(format) ?? "-") "
                + "\(entry.stop.map(format) ?? "-")\n" + options.cacheDescription)
        if let key, let hit = cache?.load(key: key) { return hit }
        var sample = CachedSample()
        var audioSource = audio
        if let video {
            var videoOptions = options.video
            videoOptions.start = entry.start
            videoOptions.stop = entry.stop
            let clip = try Video.readRGB(video, options: videoOptions)
            guard !clip.frames.isEmpty else {
                throw MediaError.file(path: video, reason: "no video frames in the requested range")
            }
            sample.frames = clip.frames
            if audio == nil, clip.info.audio != nil { audioSource = video }
        }
        if let audioSource {
            let voice = try Audio.read(
                audioSource,
                options: AudioOptions(
                    rate: options.audioRate, mono: true, start: entry.start, stop: entry.stop, threads: 1))
            sample.voice = options.normalizeAudio ? try normalized(voice) : voice.samples
        }
        if let key, let cache { cache.store(sample, key: key) }
        return sample
    }

    /// The Wav2Vec2 feature extractor's normalization of one utterance.
    private func normalized(_ voice: AudioClip) throws -> Tensor {
        let samples = try voice.samples.withUnsafeBufferPointer(as: Float.self) { Array($0) }
        let batch = try Wav2Vec2FeatureExtractor(returnAttentionMask: true, samplingRate: voice.rate)
            .process([samples], rate: voice.rate, padding: .none)
        return try batch.inputValues.reshaped([samples.count])
    }
}
