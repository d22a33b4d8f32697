import Datasets
import Lua
import Media
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// The `data` library (DESIGN.md §2): video and audio decoding, media information, manifest
/// datasets and background loaders. The dataset and loader types live in
/// `DataLibrary+Dataset.swift` and `DataLibrary+Loader.swift`.
enum DataLibrary {
    static func install(into lua: LuaState) {
        let data = lua.library(
            "data", summary: "screen video and voice: data.video, data.audio, data.info, data.manifest, data.loader")
        registerDataset(lua)
        registerLoader(lua)

        data.function(
            "video",
            "data.video(path[, {frames=N | fps=F, start=, stop=, size=S | resize={h, w}, crop=, normalize=}])"
                + " -> frames, info",
            "Decodes a video's frames as float32 [T, 3, H, W] in 0..1 (or normalized) and an info table "
                + "{fps, duration, width, height, times}."
        ) { call in
            try call.expectAtMost(2)
            let path = try call.string(at: 1)
            let options = try videoOptions(call.options(at: 2, allowed: videoOptionNames))
            let clip = try call.reporting { try Video.read(path, options: options) }
            try call.push(tensor: clip.frames)
            call.pushTable { info in
                info.set("fps", clip.info.video?.fps)
                info.set("duration", clip.info.video?.duration ?? clip.info.duration)
                info.set("width", clip.info.video?.width)
                info.set("height", clip.info.video?.height)
                info.set("times", clip.times)
            }
            return 2
        }

        data.function(
            "audio", "data.audio(path[, {rate=, mono=, start=, stop=}]) -> samples, rate",
            "Decodes audio (a sound file or a video's audio track) as float32 [C, N], or [N] with mono=true, "
                + "and its rate."
        ) { call in
            try call.expectAtMost(2)
            let path = try call.string(at: 1)
            let options = try audioOptions(call.options(at: 2, allowed: audioOptionNames))
            let clip = try call.reporting { try Audio.read(path, options: options) }
            try call.push(tensor: clip.samples)
            return call.push(clip.rate) + 1
        }

        data.function(
            "info", "data.info(path) -> table",
            "Container, duration, file size and streams (codec, width, height, fps, frames, rate, channels) "
                + "of a media file."
        ) { call in
            try call.expectAtMost(1)
            let path = try call.string(at: 1)
            let info = try call.reporting { try MediaInfo(probing: path) }
            return try pushInfo(info, path: path, on: call)
        }

        data.function(
            "manifest",
            "data.manifest(path[, {frames=, fps=, size=, resize=, crop=, normalize=, rate=16000, "
                + "normalize_audio=true, on_error=\"raise\"|\"skip\"}]) -> Dataset",
            "A dataset of the clips a JSONL or CSV manifest lists: "
                + "ds[i] = {pixel_values=, input_values=, label=, text=, id=}."
        ) { call in
            try call.expectAtMost(2)
            let path = try call.string(at: 1)
            let (decode, onError) = try decodeOptions(call.options(at: 2, allowed: manifestOptionNames))
            let manifest = try call.reporting { try Manifest(path: path, onError: onError) }
            report(manifest.skipped, noun: "row", context: "of \(path)", to: call.lua.output)
            let dataset = LuaDataset(ManifestDataset(manifest: manifest, options: decode), maps: [], onError: onError)
            return try call.push(object: dataset)
        }

        data.function(
            "loader",
            "data.loader(ds[, {batch=1, shuffle=false, seed=, workers=2, drop_last=false, collate=, on_error=, "
                + "prefetch=2}]) -> DataLoader",
            "Batches of a dataset, decoded on worker threads ahead of the consumer; "
                + "for batch in loader:iter() do … end."
        ) { call in
            try call.expectAtMost(2)
            let dataset = try call.object(at: 1, as: LuaDataset.self)
            let table = try call.options(at: 2, allowed: loaderOptionNames)
            let options = try loaderOptions(table, dataset: dataset)
            let collate: LuaRef? = try table.value("collate").map { value in
                guard case .function(let function) = value else {
                    throw LuaArgumentError(
                        position: 2, message: "option 'collate': function expected, got \(value.typeName)")
                }
                return function
            }
            let loader = try call.reporting(options: 2) { try DataLoader(dataset.base, options: options) }
            return try call.push(object: LuaLoader(loader, dataset: dataset, collate: collate))
        }
    }

    private static func pushInfo(_ info: MediaInfo, path: String, on call: LuaCall) throws -> Int {
        func fields(_ stream: StreamInfo) -> [String: LuaValue] {
            var fields: [String: LuaValue] = [
                "index": .integer(Int64(stream.index)), "kind": .string(stream.kind.rawValue),
                "codec": .string(stream.codec),
            ]
            for (key, value) in [
                ("width", stream.width), ("height", stream.height), ("frames", stream.frameCount),
                ("rate", stream.sampleRate), ("channels", stream.channels),
                ("samples", stream.sampleCount),
            ] {
                if let value { fields[key] = .integer(Int64(value)) }
            }
            for (key, value) in [("duration", stream.duration), ("fps", stream.fps)] {
                if let value { fields[key] = .number(value) }
            }
            return fields
        }
        var status = stat()
        let size = stat(path, &status) == 0 ? Int(status.st_size) : nil
        return call.pushTable { table in
            table.set("format", info.format)
            table.set("duration", info.duration)
            table.set("size", size)
            if let video = info.video {
                table.set("width", video.width)
                table.set("height", video.height)
                table.set("fps", video.fps)
                table.set("frames", video.frameCount)
                table.set("video_codec", video.codec)
            }
            if let audio = info.audio {
                table.set("rate", audio.sampleRate)
                table.set("channels", audio.channels)
                table.set("audio_codec", audio.codec)
            }
            table.set("streams", info.streams.map(fields))
        }
    }

    /// Writes a warning listing what `on_error="skip"` left out (the first ten, then a count):
    /// `warning: skipped 2 unreadable samples in epoch 0 (on_error="skip"):`.
    /// - Parameters:
    ///   - noun: what was skipped, singular (`sample`, `row`); an `s` is added for several.
    ///   - context: where (`in epoch 0`, `of train.jsonl`).
    static func report(_ skipped: [any Error], noun: String, context: String, to output: LuaOutput) {
        guard !skipped.isEmpty else { return }
        let counted = "\(skipped.count) unreadable \(noun)\(skipped.count == 1 ? "" : "s")"
        var text = "warning: skipped \(counted) \(context) (on_error=\"skip\"):\n"
        for error in skipped.prefix(10) { text += "  \(error)\n" }
        if skipped.count > 10 { text += "  … and \(skipped.count - 10) more\n" }
        output.write(text)
    }
}

extension LuaCall {
    /// Runs a Media or Datasets operation. Its file and row errors become Lua errors prefixed
    /// with the function's name (`data.video: a.mp4: cannot open: …`); with `options`, its
    /// argument errors blame that options table. Interrupts pass through unchanged.
    func reporting<R>(options position: Int? = nil, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch MediaError.invalidArgument(let message), DatasetError.invalidArgument(let message) {
            if let position { throw LuaArgumentError(position: position, message: message) }
            throw LuaMessageError("\(name): \(message)")
        } catch let error as MediaError {
            throw LuaMessageError("\(name): \(error)")
        } catch let error as DatasetError {
            throw LuaMessageError("\(name): \(error)")
        }
    }
}
