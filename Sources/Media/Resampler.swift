import CFFmpeg

/// An `SwrContext` converting float audio between sample formats, layouts and rates, freed in
/// `deinit`.
final class Resampler {
    private var context: OpaquePointer?
    let inputRate: Int
    let outputRate: Int
    let channels: Int

    /// A converter from `input` samples (any FFmpeg layout and format) to planar float with the
    /// same channels at `outputRate`.
    init(
        inputLayout: UnsafeMutablePointer<AVChannelLayout>, inputFormat: AVSampleFormat, inputRate: Int,
        outputRate: Int, path: String
    ) throws {
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = Int(inputLayout.pointee.nb_channels)
        var status = swr_alloc_set_opts2(
            &context, inputLayout, AV_SAMPLE_FMT_FLTP,
            Int32(outputRate), inputLayout, inputFormat,
            Int32(inputRate), 0, nil)
        if status >= 0 { status = swr_init(context) }
        if status < 0 {
            throw MediaError.file(
                path: path,
                reason:
                    "swresample cannot convert \(inputRate) Hz to \(outputRate) Hz: \(ffmpegReason(status))")
        }
    }

    /// A planar-float to planar-float converter for `channels` channels.
    convenience init(channels: Int, from inputRate: Int, to outputRate: Int, path: String) throws {
        var layout = AVChannelLayout()
        av_channel_layout_default(&layout, Int32(channels))
        defer { av_channel_layout_uninit(&layout) }
        try self.init(
            inputLayout: &layout, inputFormat: AV_SAMPLE_FMT_FLTP, inputRate: inputRate,
            outputRate: outputRate, path: path)
    }

    deinit { swr_free(&context) }

    /// Converts `count` input samples whose planes (or one interleaved plane) start at `input`,
    /// appending the output to `planes`. A nil `input` flushes the samples swresample holds back.
    func convert(
        _ input: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, count: Int,
        into planes: inout [[Float]]
    ) throws {
        let capacity = Int(swr_get_out_samples(context, Int32(count))) + 16
        var scratch = [Float](repeating: 0, count: capacity * channels)
        let produced = Int(
            withPlanePointers(&scratch, planeLength: capacity) { outputs in
                swr_convert(context, outputs, Int32(capacity), input, Int32(count))
            })
        if produced < 0 {
            throw MediaError.invalidArgument("swresample: \(ffmpegReason(Int32(produced)))")
        }
        for c in 0..<channels { planes[c] += scratch[c * capacity..<c * capacity + produced] }
    }

    /// Resamples whole planar audio, including the tail swresample keeps until flushed.
    func resample(_ audio: PlanarAudio) throws -> PlanarAudio {
        guard audio.count > 0 else { return PlanarAudio(channels: audio.channels, rate: outputRate) }
        var out = [[Float]](repeating: [], count: channels)
        var input = audio.channels.flatMap { $0 }
        try withPlanePointers(&input, planeLength: audio.count) { planes in
            try planes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: channels) {
                try convert($0, count: audio.count, into: &out)
            }
        }
        while true {
            let before = out.first?.count ?? 0
            try convert(nil, count: 0, into: &out)
            if (out.first?.count ?? 0) == before { break }
        }
        return PlanarAudio(channels: out, rate: outputRate)
    }
}

/// Calls `body` with a C array of pointers to the planes of `buffer`, each `planeLength` floats.
private func withPlanePointers<R>(
    _ buffer: inout [Float], planeLength: Int,
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) throws -> R
) rethrows -> R {
    try buffer.withUnsafeMutableBufferPointer { floats in
        var pointers: [UnsafeMutablePointer<UInt8>?] = stride(
            from: 0, to: max(floats.count, 1), by: max(planeLength, 1)
        ).map { UnsafeMutableRawPointer(floats.baseAddress! + $0).assumingMemoryBound(to: UInt8.self) }
        return try body(&pointers)
    }
}
