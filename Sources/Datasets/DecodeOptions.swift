import Media

/// How a dataset decodes and preprocesses each row: `data.manifest`'s options, which are
/// `data.video`'s and `data.audio`'s (the audio always mono).
///
/// ```swift
/// let options = DecodeOptions(video: VideoOptions(selection: .count(8), resize: .shortestEdge(224),
///                                                 centerCrop: true, normalization: .clip))
/// ```
public struct DecodeOptions: Sendable, Equatable {
    /// Frame selection, resize, crop, normalization and decoder threads. Its `start` and `stop`
    /// are ignored: each row's range is used.
    public var video: VideoOptions
    /// The audio rate in Hz (`rate=`, 16 kHz as Wav2Vec2 expects).
    public var audioRate: Int
    /// Whether to normalize each utterance to zero mean and unit variance as Hugging Face's
    /// `Wav2Vec2FeatureExtractor` does (`do_normalize`); statistics over the utterance alone,
    /// so padding it in a batch does not change it (the `return_attention_mask=True` rule).
    public var normalizeAudio: Bool

    /// Creates options. The decoder runs on one thread by default: loaders decode several
    /// samples at once, one per worker, which beats splitting each small frame across threads.
    public init(
        video: VideoOptions = VideoOptions(threads: 1), audioRate: Int = 16_000,
        normalizeAudio: Bool = true
    ) {
        self.video = video
        self.audioRate = audioRate
        self.normalizeAudio = normalizeAudio
    }

    /// A text that changes whenever the cached part of a sample would (the cache key's options
    /// part). Left out: decoder threads, which do not change the output, and the video
    /// normalization, which is applied to the cached bytes when a sample is read.
    var cacheDescription: String {
        let v = video
        let selection: String
        switch v.selection {
        case .all: selection = "all"
        case .count(let n): selection = "count \(n)"
        case .rate(let fps): selection = "rate \(fps)"
        }
        let resize: String
        switch v.resize {
        case nil: resize = "native"
        case .shortestEdge(let s): resize = "shortest \(s)"
        case .exact(let h, let w): resize = "exact \(h)x\(w)"
        }
        return "frames \(selection); resize \(resize); crop \(v.centerCrop); "
            + "audio \(audioRate) Hz mono, normalize \(normalizeAudio)"
    }
}
