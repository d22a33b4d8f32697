/// What a media file holds, as `data.info` reports it: container, duration and each stream's
/// codec, size, frame rate or sample rate.
public struct MediaInfo: Sendable, Equatable {
    /// The container format's short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `wav`.
    public var format: String
    /// Total duration in seconds, when the container knows it.
    public var duration: Double?
    /// Every stream in container order.
    public var streams: [StreamInfo]

    /// The stream FFmpeg picks as the main video stream (the first video stream for
    /// libsndfile files, which have none).
    public var video: StreamInfo? { streams.first { $0.index == bestVideo } }
    /// The main audio stream.
    public var audio: StreamInfo? { streams.first { $0.index == bestAudio } }

    var bestVideo: Int?
    var bestAudio: Int?

    /// Creates an info record; `bestVideo`/`bestAudio` are stream indices.
    public init(
        format: String, duration: Double?, streams: [StreamInfo],
        bestVideo: Int? = nil, bestAudio: Int? = nil
    ) {
        self.format = format
        self.duration = duration
        self.streams = streams
        self.bestVideo = bestVideo ?? streams.first { $0.kind == .video }?.index
        self.bestAudio = bestAudio ?? streams.first { $0.kind == .audio }?.index
    }
}

/// One stream of a media file.
public struct StreamInfo: Sendable, Equatable {
    /// What a stream carries.
    public enum Kind: String, Sendable {
        case video, audio, subtitle, data, other
    }

    /// Position in the container (0-based, as FFmpeg numbers streams).
    public var index: Int
    /// Video, audio, subtitle, data or other.
    public var kind: Kind
    /// Codec name as FFmpeg spells it (`h264`, `vp9`, `aac`, `pcm_s16le`, `flac`, …).
    public var codec: String
    /// Stream duration in seconds, when known.
    public var duration: Double?
    /// Start time of the stream's first timestamp in seconds (usually 0).
    public var startTime: Double?
    /// Video: frame width in pixels.
    public var width: Int?
    /// Video: frame height in pixels.
    public var height: Int?
    /// Video: average frame rate (`avg_frame_rate`; PyAV's `average_rate`).
    public var fps: Double?
    /// Video: frame count from the container header, when it records one.
    public var frameCount: Int?
    /// Audio: sample rate in Hz.
    public var sampleRate: Int?
    /// Audio: channel count.
    public var channels: Int?
    /// Audio: total sample frames per channel, when known.
    public var sampleCount: Int?

    /// Creates a stream record; only `index`, `kind` and `codec` are required.
    public init(
        index: Int, kind: Kind, codec: String, duration: Double? = nil,
        startTime: Double? = nil, width: Int? = nil, height: Int? = nil,
        fps: Double? = nil, frameCount: Int? = nil, sampleRate: Int? = nil,
        channels: Int? = nil, sampleCount: Int? = nil
    ) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.duration = duration
        self.startTime = startTime
        self.width = width
        self.height = height
        self.fps = fps
        self.frameCount = frameCount
        self.sampleRate = sampleRate
        self.channels = channels
        self.sampleCount = sampleCount
    }
}
