import Datasets
import Lua
import Media

/// Options tables of the `data` library, read into Media's and Datasets' option structs. Values
/// are checked here, so a bad option fails at the call that took it (`data.manifest`), not at
/// the first sample read.
extension DataLibrary {
    static let videoOptionNames = ["frames", "fps", "start", "stop", "size", "resize", "crop", "normalize"]
    static let audioOptionNames = ["rate", "mono", "start", "stop"]
    static let manifestOptionNames = [
        "frames", "fps", "size", "resize", "crop", "normalize", "rate",
        "normalize_audio", "on_error",
    ]
    static let loaderOptionNames = [
        "batch", "shuffle", "seed", "workers", "drop_last", "collate",
        "on_error", "prefetch",
    ]

    /// `frames=`, `fps=`, `start=`, `stop=`, `size=`, `resize={h, w}`, `crop=`, `normalize=`.
    static func videoOptions(_ options: LuaOptions) throws -> VideoOptions {
        func fail(_ message: String) -> LuaArgumentError {
            LuaArgumentError(position: options.position, message: message)
        }
        var video = VideoOptions()
        if options.contains("frames") && options.contains("fps") { throw fail("give frames= or fps=, not both") }
        if let n = try options.integer("frames") {
            guard n >= 1 else { throw fail("option 'frames': must be ≥ 1, got \(n)") }
            video.selection = .count(n)
        }
        if let fps = try options.number("fps") {
            guard fps > 0, fps.isFinite else { throw fail("option 'fps': must be positive, got \(fps)") }
            video.selection = .rate(fps)
        }
        (video.start, video.stop) = try range(options)
        if options.contains("size") && options.contains("resize") { throw fail("give size= or resize=, not both") }
        if let size = try options.integer("size") {
            guard size >= 1 else { throw fail("option 'size': must be ≥ 1, got \(size)") }
            video.resize = .shortestEdge(size)
        }
        if let resize = try options.table("resize") {
            let sides = resize.array.compactMap(\.integer)
            guard sides.count == 2, resize.array.count == 2, resize.fields.isEmpty, sides.allSatisfy({ $0 >= 1 })
            else {
                throw fail("option 'resize': {height, width} of positive integers expected")
            }
            video.resize = .exact(height: sides[0], width: sides[1])
        }
        video.centerCrop = try options.boolean("crop") ?? false
        if let name = try options.choice("normalize", of: ["clip", "imagenet", "vit"]) {
            video.normalization = Normalization(named: name)
        }
        return video
    }

    /// `rate=`, `mono=`, `start=`, `stop=`.
    static func audioOptions(_ options: LuaOptions) throws -> AudioOptions {
        let (start, stop) = try range(options)
        return AudioOptions(
            rate: try rate(options), mono: try options.boolean("mono") ?? false,
            start: start, stop: stop)
    }

    /// `data.manifest`'s options: the video ones without a range, `rate=` (16000 by default),
    /// `normalize_audio=` (true), `on_error=`.
    static func decodeOptions(_ options: LuaOptions) throws -> (DecodeOptions, ErrorPolicy) {
        var video = try videoOptions(options)
        video.threads = 1  // one decoder thread per loader worker (see DecodeOptions)
        let decode = DecodeOptions(
            video: video, audioRate: try rate(options) ?? 16_000,
            normalizeAudio: try options.boolean("normalize_audio") ?? true)
        return (decode, try errorPolicy(options) ?? .raise)
    }

    /// `data.loader`'s options except `collate=`; `on_error=` defaults to the dataset's.
    static func loaderOptions(_ options: LuaOptions, dataset: LuaDataset) throws -> LoaderOptions {
        func count(_ name: String, _ minimum: Int) throws -> Int? {
            guard let n = try options.integer(name) else { return nil }
            guard n >= minimum else {
                throw LuaArgumentError(
                    position: options.position, message: "option '\(name)': must be ≥ \(minimum), got \(n)")
            }
            return n
        }
        let defaults = LoaderOptions()
        return LoaderOptions(
            batchSize: try count("batch", 1) ?? defaults.batchSize,
            shuffle: try options.boolean("shuffle") ?? false,
            seed: try options.integer("seed").map { UInt64(bitPattern: Int64($0)) },
            workers: try count("workers", 0) ?? defaults.workers,
            dropLast: try options.boolean("drop_last") ?? false,
            onError: try errorPolicy(options) ?? dataset.onError,
            prefetchBatches: try count("prefetch", 1) ?? defaults.prefetchBatches)
    }

    private static func range(_ options: LuaOptions) throws -> (Double?, Double?) {
        let start = try options.number("start"), stop = try options.number("stop")
        if let start, !(start >= 0 && start.isFinite) {
            throw LuaArgumentError(
                position: options.position, message: "option 'start': must be a time ≥ 0, got \(start)")
        }
        if let stop, !(stop > (start ?? 0)) {
            throw LuaArgumentError(
                position: options.position,
                message: "option 'stop': must be after start (\(start ?? 0)), got \(stop)")
        }
        return (start, stop)
    }

    private static func rate(_ options: LuaOptions) throws -> Int? {
        guard let rate = try options.integer("rate") else { return nil }
        guard rate >= 1 else {
            throw LuaArgumentError(
                position: options.position, message: "option 'rate': must be ≥ 1 Hz, got \(rate)")
        }
        return rate
    }

    private static func errorPolicy(_ options: LuaOptions) throws -> ErrorPolicy? {
        try options.choice("on_error", of: ["raise", "skip"]).flatMap(ErrorPolicy.init(rawValue:))
    }
}
