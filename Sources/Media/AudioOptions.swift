import TensorCore

/// Options of ``Audio/read(_:options:)``, mirroring `data.audio`'s options table.
public struct AudioOptions: Sendable, Equatable {
    /// Resample to this rate in Hz (`rate=`); the file's own rate by default.
    public var rate: Int?
    /// Mix all channels down to one by averaging them (`mono=true`); the clip is then `[N]`.
    public var mono: Bool
    /// Start of the range in seconds; the first sample kept is `floor(start × rate)` at the
    /// file's own rate, as soundfile's `start=` counts.
    public var start: Double?
    /// End of the range in seconds (exclusive), `floor(stop × rate)`; the end of the file by default.
    public var stop: Double?
    /// Decoder threads for audio tracks decoded by FFmpeg; 0 lets FFmpeg choose.
    public var threads: Int

    /// Creates options; by default every channel at the file's own rate.
    public init(
        rate: Int? = nil, mono: Bool = false, start: Double? = nil, stop: Double? = nil,
        threads: Int = 0
    ) {
        self.rate = rate
        self.mono = mono
        self.start = start
        self.stop = stop
        self.threads = threads
    }

    func validate() throws {
        if let rate, rate <= 0 { throw MediaError.invalidArgument("rate must be positive, got \(rate)") }
        if let start, !(start >= 0 && start.isFinite) {
            throw MediaError.invalidArgument("start must be a time ≥ 0 in seconds, got \(start)")
        }
        if let stop, !(stop > (start ?? 0)) {
            throw MediaError.invalidArgument("stop (\(stop)) must be after start (\(start ?? 0))")
        }
        if threads < 0 { throw MediaError.invalidArgument("threads must be ≥ 0, got \(threads)") }
    }

    /// The sample range `[floor(start × rate), floor(stop × rate))` at the file's rate.
    func sampleRange(rate: Int) -> (start: Int, stop: Int?) {
        let first = Int(((start ?? 0) * Double(rate)).rounded(.down))
        return (first, stop.map { Int(($0 * Double(rate)).rounded(.down)) })
    }
}

/// Decoded audio as float32.
public struct AudioClip: Sendable {
    /// `[C, N]`, or `[N]` after a mono mix-down.
    public var samples: Tensor
    /// The sample rate of `samples` in Hz.
    public var rate: Int
    /// Samples per channel.
    public var count: Int { samples.shape.last ?? 0 }
}

/// Planar float audio as the decoders produce it: one array per channel.
struct PlanarAudio {
    var channels: [[Float]]
    var rate: Int

    var count: Int { channels.first?.count ?? 0 }

    /// One channel, the mean of all channels (torchaudio's and librosa's mix-down).
    func mixedDown() -> PlanarAudio {
        guard channels.count > 1 else { return self }
        var sum = channels[0]
        for channel in channels.dropFirst() {
            for i in sum.indices { sum[i] += channel[i] }
        }
        let scale = 1 / Float(channels.count)
        return PlanarAudio(channels: [sum.map { $0 * scale }], rate: rate)
    }

    func clip(mono: Bool) throws -> AudioClip {
        AudioClip(
            samples: try Tensor(
                shape: mono ? [count] : [channels.count, count],
                scalars: channels.flatMap { $0 }),
            rate: rate)
    }
}
