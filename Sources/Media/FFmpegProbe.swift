import CFFmpeg

extension MediaInfo {
    /// Reads the container header and stream parameters of `path` through libavformat.
    ///
    /// Works for every container FFmpeg reads, including plain audio files.
    /// - Throws: ``MediaError/file(path:reason:)`` with FFmpeg's reason.
    public init(probing path: String) throws {
        let file = try FormatContext(path: path)
        try file.findStreamInfo()
        self = MediaInfo(file)
    }

    init(_ file: FormatContext) {
        let context = file.pointer.pointee
        let duration =
            context.duration == noPTS || context.duration <= 0
            ? nil : Double(context.duration) / Double(AV_TIME_BASE)
        self.init(
            format: String(cString: context.iformat.pointee.name),
            duration: duration,
            streams: file.streams.enumerated().map { StreamInfo($1, index: $0) },
            bestVideo: file.bestStream(AVMEDIA_TYPE_VIDEO),
            bestAudio: file.bestStream(AVMEDIA_TYPE_AUDIO))
    }
}

extension StreamInfo {
    init(_ stream: UnsafeMutablePointer<AVStream>, index: Int) {
        let s = stream.pointee
        let parameters = s.codecpar.pointee
        let timeBase = av_q2d(s.time_base)
        let kind: Kind
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        case AVMEDIA_TYPE_DATA: kind = .data
        default: kind = .other
        }
        self.init(
            index: index, kind: kind,
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            duration: s.duration == noPTS || s.duration <= 0
                ? nil : Double(s.duration) * timeBase,
            startTime: s.start_time == noPTS ? nil : Double(s.start_time) * timeBase)
        switch kind {
        case .video:
            width = Int(parameters.width)
            height = Int(parameters.height)
            let rate =
                s.avg_frame_rate.den != 0 && s.avg_frame_rate.num != 0
                ? s.avg_frame_rate : s.r_frame_rate
            fps = rate.den != 0 && rate.num != 0 ? av_q2d(rate) : nil
            frameCount = s.nb_frames > 0 ? Int(s.nb_frames) : nil
        case .audio:
            sampleRate = Int(parameters.sample_rate)
            channels = Int(parameters.ch_layout.nb_channels)
            if let duration { sampleCount = Int((duration * Double(parameters.sample_rate)).rounded()) }
        default:
            break
        }
    }
}
