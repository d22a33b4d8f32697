/// Which frames of a video to decode.
public enum FrameSelection: Sendable, Equatable {
    /// Every frame of the range.
    case all
    /// `n` frames: for each of `n` evenly spaced times — the centres of `n` equal slices of the
    /// range, `start + (i + 0.5) · (stop − start) / n` — the frame whose timestamp is nearest
    /// (the earlier one on a tie). A frame nearest to several times is repeated.
    case count(Int)
    /// Frames at `fps` per second: for the times `start, start + 1/fps, …` below `stop`, the frame
    /// whose timestamp is nearest, so a 30 fps clip read at 10 fps keeps every third frame.
    case rate(Double)
}

/// How decoded frames are resized (swscale, bilinear with antialiasing when shrinking).
public enum Resize: Sendable, Equatable {
    /// The shorter side becomes `size`, the longer one `floor(size · long / short)` (CLIP's
    /// rule); with ``VideoOptions/centerCrop`` the result is cropped to `size × size`.
    case shortestEdge(Int)
    /// Exactly `height × width`, ignoring the aspect ratio.
    case exact(height: Int, width: Int)
}

/// Per-channel normalization `(x − mean) / std` applied to values in 0...1.
public struct Normalization: Sendable, Equatable {
    /// Per-channel means (R, G, B) of values in 0...1.
    public var mean: [Float]
    /// Per-channel standard deviations (R, G, B).
    public var std: [Float]

    /// A normalization with one mean and standard deviation per RGB channel.
    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// OpenAI CLIP's statistics (`CLIPImageProcessor`'s defaults).
    public static let clip = Normalization(
        mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711])
    /// ImageNet statistics (torchvision's and `ViTImageProcessor`'s ImageNet variants).
    public static let imagenet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// Mean 0.5, std 0.5: maps 0...1 to −1...1 (`google/vit-*`).
    public static let half = Normalization(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])

    /// The normalization named by `data.video`'s `normalize=` option: `clip`, `imagenet` or `vit`.
    public init?(named name: String) {
        switch name {
        case "clip": self = .clip
        case "imagenet": self = .imagenet
        case "vit": self = .half
        default: return nil
        }
    }
}

/// Options of ``VideoReader/read(_:)``, mirroring `data.video`'s options table.
public struct VideoOptions: Sendable, Equatable {
    /// Which frames to keep (`frames=` / `fps=`); every frame by default.
    public var selection: FrameSelection
    /// Start of the range in seconds on the stream's timeline; the stream start by default.
    /// Decoding seeks to the keyframe at or before it instead of decoding from the beginning.
    public var start: Double?
    /// End of the range in seconds (exclusive); the end of the stream by default.
    public var stop: Double?
    /// Output size (`size=` / `resize=`); native size by default.
    public var resize: Resize?
    /// Center-crop a ``Resize/shortestEdge(_:)`` result to a square (`crop=true`).
    public var centerCrop: Bool
    /// Normalization applied after scaling to 0...1 (`normalize=`); none by default.
    public var normalization: Normalization?
    /// Decoder threads; 0 lets FFmpeg choose from the number of cores.
    public var threads: Int

    /// Creates options; every argument defaults to decoding all frames at native size.
    public init(
        selection: FrameSelection = .all, start: Double? = nil, stop: Double? = nil,
        resize: Resize? = nil, centerCrop: Bool = false,
        normalization: Normalization? = nil, threads: Int = 0
    ) {
        self.selection = selection
        self.start = start
        self.stop = stop
        self.resize = resize
        self.centerCrop = centerCrop
        self.normalization = normalization
        self.threads = threads
    }

    /// Throws ``MediaError/invalidArgument(_:)`` for options no decode could satisfy.
    func validate() throws {
        switch selection {
        case .all: break
        case .count(let n) where n <= 0:
            throw MediaError.invalidArgument("frames must be positive, got \(n)")
        case .rate(let fps) where !(fps > 0 && fps.isFinite):
            throw MediaError.invalidArgument("fps must be positive, got \(fps)")
        default: break
        }
        if let start, !(start >= 0 && start.isFinite) {
            throw MediaError.invalidArgument("start must be a time ≥ 0 in seconds, got \(start)")
        }
        if let stop, !(stop > (start ?? 0)) {
            throw MediaError.invalidArgument("stop (\(stop)) must be after start (\(start ?? 0))")
        }
        switch resize {
        case .shortestEdge(let s) where s <= 0:
            throw MediaError.invalidArgument("size must be positive, got \(s)")
        case .exact(let h, let w) where h <= 0 || w <= 0:
            throw MediaError.invalidArgument("resize must be positive, got {\(h), \(w)}")
        default: break
        }
        if let n = normalization, n.mean.count != 3 || n.std.count != 3 || n.std.contains(0) {
            throw MediaError.invalidArgument("normalize needs 3 means and 3 non-zero stds")
        }
        if threads < 0 { throw MediaError.invalidArgument("threads must be ≥ 0, got \(threads)") }
    }
}
