import CFFmpeg

/// Decodes the audio track of any container FFmpeg reads to planar float at the track's rate.
struct FFmpegAudioDecoder {
    let path: String
    let options: AudioOptions

    func read() throws -> PlanarAudio {
        let file = try FormatContext(path: path)
        try file.findStreamInfo()
        guard let index = file.bestStream(AVMEDIA_TYPE_AUDIO) else {
            throw MediaError.file(path: path, reason: "no audio stream")
        }
        let decoder = try StreamDecoder(file: file, streamIndex: index, threads: options.threads)
        let codec = decoder.codec.pointer
        let rate = Int(codec.pointee.sample_rate)
        let channels = Int(codec.pointee.ch_layout.nb_channels)
        guard rate > 0, channels > 0 else {
            throw MediaError.file(path: path, reason: "audio stream has no sample rate or channels")
        }
        let range = options.sampleRange(rate: rate)
        // Lossy codecs overlap each frame with the one before (AAC's MDCT, Opus's pre-roll), so
        // the first frame after a seek is not fully decoded: seek a little earlier and drop it.
        let preroll = 0.25 + Double(decoder.stream.pointee.codecpar.pointee.seek_preroll) / Double(rate)
        let seekTime = Double(range.start) / Double(rate) - preroll
        let seeked = seekTime > 0 && decoder.seek(to: seekTime)

        var planes = [[Float]](repeating: [], count: channels)
        var converter: Resampler?
        // Position (in samples at `rate`) of planes[c][0]; taken from the first frame's timestamp
        // after a seek, counted from 0 otherwise (as PyAV's frames concatenate).
        var origin: Int?
        try decoder.decode { frame in
            if origin == nil {
                origin = seeked ? decoder.seconds(of: frame).map { Int(($0 * Double(rate)).rounded()) } ?? 0 : 0
            }
            if converter == nil {
                converter = try Resampler(
                    inputLayout: &frame.pointee.ch_layout, inputFormat: AVSampleFormat(frame.pointee.format),
                    inputRate: Int(frame.pointee.sample_rate), outputRate: rate, path: path)
            }
            try frame.pointee.extended_data.withMemoryRebound(
                to: UnsafePointer<UInt8>?.self,
                capacity: channels
            ) {
                try converter!.convert($0, count: Int(frame.pointee.nb_samples), into: &planes)
            }
            let end = origin! + planes[0].count
            return range.stop.map { end < $0 } ?? true
        }
        if let converter { try converter.convert(nil, count: 0, into: &planes) }
        let base = origin ?? 0
        let lower = max(0, range.start - base)
        let upper = min(planes[0].count, (range.stop ?? Int.max) - base)
        guard upper > lower else {
            throw MediaError.file(path: path, reason: "no audio samples in the requested range")
        }
        return PlanarAudio(channels: planes.map { Array($0[lower..<upper]) }, rate: rate)
    }
}
