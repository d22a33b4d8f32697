/// Audio decoding: libsndfile for the formats it reads (WAV of every sample type, FLAC,
/// Ogg/Vorbis, …) and FFmpeg for everything else, notably the audio track of video containers.
///
/// ```swift
/// let voice = try Audio.read("voice.flac", options: AudioOptions(rate: 16_000, mono: true))
/// voice.samples.shape  // [N]
/// ```
public enum Audio {
    /// Decodes `path` to float32 `[C, N]` (or `[N]` with ``AudioOptions/mono``).
    ///
    /// At the file's own rate the values are what soundfile (libsndfile files) or PyAV
    /// (containers) give; with ``AudioOptions/rate`` they are resampled with libswresample after
    /// the range and the mix-down are applied.
    /// - Throws: ``MediaError`` naming the file and libsndfile's or FFmpeg's reason.
    public static func read(_ path: String, options: AudioOptions = AudioOptions()) throws
        -> AudioClip
    {
        try options.validate()
        var audio: PlanarAudio
        do {
            let file = try SndFile(path: path)
            try file.checkComplete()
            audio = try file.read(range: options.sampleRange(rate: Int(file.info.samplerate)))
        } catch MediaError.file(_, let sndfileReason) where sndfileReason.hasPrefix("libsndfile:") {
            do {
                audio = try FFmpegAudioDecoder(path: path, options: options).read()
            } catch MediaError.file(_, let reason) {
                throw MediaError.file(path: path, reason: "\(reason) (\(sndfileReason))")
            }
        }
        if audio.count == 0 {
            throw MediaError.file(path: path, reason: "no audio samples in the requested range")
        }
        if options.mono { audio = audio.mixedDown() }
        if let rate = options.rate, rate != audio.rate {
            audio = try Resampler(channels: audio.channels.count, from: audio.rate, to: rate, path: path)
                .resample(audio)
        }
        return try audio.clip(mono: options.mono)
    }
}
