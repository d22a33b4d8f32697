import CFFmpeg

/// The decode loop shared by float and RGB output: open the video stream, seek to the range,
/// pick frames with a ``FramePicker``, convert each kept frame once with a ``FrameConverter``
/// and hand the RGB24 rows to `emit`.
struct VideoDecoder {
    let path: String
    let options: VideoOptions

    /// The geometry of every emitted frame: the swscale output and the crop taken from it.
    struct Geometry {
        var scaledWidth: Int, scaledHeight: Int
        var top: Int, left: Int, width: Int, height: Int
    }

    /// Decodes the selected frames; `emit(rgb, stride, geometry, time, copies)` receives each
    /// kept frame's scaled RGB24 rows. Returns the file's info and the frame times.
    func run(emit: (UnsafePointer<UInt8>, Int, Geometry, Double, Int) throws -> Void) throws
        -> (info: MediaInfo, times: [Double])
    {
        try options.validate()
        let file = try FormatContext(path: path)
        try file.findStreamInfo()
        let info = MediaInfo(file)
        guard let index = file.bestStream(AVMEDIA_TYPE_VIDEO), let stream = info.video else {
            throw MediaError.file(path: path, reason: "no video stream")
        }
        let decoder = try StreamDecoder(file: file, streamIndex: index, threads: options.threads)
        guard let width = stream.width, let height = stream.height, width > 0, height > 0 else {
            throw MediaError.file(path: path, reason: "video stream has no frame size")
        }
        let geometry = Self.geometry(width: width, height: height, options: options)
        let origin = stream.startTime ?? 0
        let start = options.start ?? origin
        // Every frame to the end needs no end time; target times are spread over the duration.
        let duration = stream.duration ?? info.duration
        guard
            let end = options.stop
                ?? (options.selection == .all ? Double.infinity : duration.map { origin + $0 })
        else {
            throw MediaError.file(
                path: path,
                reason:
                    "the container records no duration; pass stop= to pick frames by time")
        }
        if start >= end {
            throw MediaError.invalidArgument("start \(start) s is past the end (\(end) s) of \(path)")
        }
        // Where to seek: `start`, then earlier. A container whose index holds decode times can
        // land on a keyframe shown after `start`, because frames shown just before a keyframe
        // may be decoded before it; the first frame then comes too late and we seek further back,
        // last to the stream start.
        let seekTargets = start > origin ? [start, max(origin, start - 2), origin] : []
        var seekIndex = 0
        if let target = seekTargets.first, !decoder.seek(to: target) { seekIndex = seekTargets.count }

        var picker = FramePicker(selection: options.selection, start: start, stop: end)
        let converter = FrameConverter(path: path)
        let held = Frame()
        var heldTime: Double?
        var times: [Double] = []
        var lastTime: Double?
        let frameStep = stream.fps.map { 1 / $0 } ?? 0

        func output(_ frame: UnsafeMutablePointer<AVFrame>, time: Double, copies: Int) throws {
            let rgb = try converter.convert(
                frame, width: geometry.scaledWidth,
                height: geometry.scaledHeight)
            try emit(rgb, converter.stride, geometry, time, copies)
            times += Array(repeating: time, count: copies)
        }

        var landedLate = false
        let decodeFrame = { (frame: UnsafeMutablePointer<AVFrame>) throws -> Bool in
            // A frame without a timestamp follows its predecessor by one frame period.
            let time = decoder.seconds(of: frame) ?? lastTime.map { $0 + frameStep } ?? origin
            if lastTime == nil && seekIndex < seekTargets.count - 1 && time > start {
                landedLate = true
                return false
            }
            lastTime = time
            let decision = picker.offer(time: time)
            if decision.previous > 0, let heldTime {
                try output(held.pointer, time: heldTime, copies: decision.previous)
            }
            if decision.current > 0 { try output(frame, time: time, copies: decision.current) }
            if decision.hold && options.selection != .all {
                av_frame_unref(held.pointer)
                let status = av_frame_ref(held.pointer, frame)
                if status < 0 { throw file.fail("cannot keep a frame", status) }
                heldTime = time
            }
            return !picker.isDone
        }
        repeat {
            landedLate = false
            try decoder.decode(decodeFrame)
            if landedLate {
                seekIndex += 1
                if !decoder.seek(to: seekTargets[seekIndex]) { seekIndex = seekTargets.count }
            }
        } while landedLate
        if !picker.isDone, picker.remainingAtEnd > 0, let heldTime {
            try output(held.pointer, time: heldTime, copies: picker.remainingAtEnd)
        }
        if times.isEmpty {
            let range = options.stop.map { "[\(start), \($0)) s" } ?? "from \(start) s"
            throw MediaError.file(path: path, reason: "no video frames \(range)")
        }
        return (info, times)
    }

    /// Scaled size and crop window for a `width × height` source.
    static func geometry(width: Int, height: Int, options: VideoOptions) -> Geometry {
        var (w, h) = (width, height)
        switch options.resize {
        case nil: break
        case .exact(let eh, let ew): (w, h) = (ew, eh)
        case .shortestEdge(let s):
            // CLIP's rule: the long side is floor(s · long / short).
            (w, h) = width <= height ? (s, s * height / width) : (s * width / height, s)
        }
        guard options.centerCrop else {
            return Geometry(scaledWidth: w, scaledHeight: h, top: 0, left: 0, width: w, height: h)
        }
        let side = min(w, h)
        return Geometry(
            scaledWidth: w, scaledHeight: h, top: (h - side) / 2, left: (w - side) / 2,
            width: side, height: side)
    }
}
