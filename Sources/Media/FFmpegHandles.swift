import CFFmpeg

// Owners of FFmpeg objects. Each class frees its object in `deinit`, so every exit path —
// return, throw, or an interrupt — releases it. Initializers only do the one allocation that
// FFmpeg itself cleans up on failure; anything that can fail afterwards is a method, so a
// throwing initializer never leaves a half-built owner behind.

/// An open container (`AVFormatContext`).
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    let path: String

    /// Opens `path` and reads its headers. `avformat_open_input` frees the context on failure.
    init(path: String) throws {
        // Allocated here rather than by avformat_open_input so the log can watch it from the
        // first header read on.
        guard var context = avformat_alloc_context() else {
            throw MediaError.file(path: path, reason: "cannot allocate a demuxer")
        }
        FFmpegLog.watch(context)
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let status = avformat_open_input(&opened, path, nil, nil)
        guard status >= 0, let opened else {
            // avformat_open_input has freed the context.
            FFmpegLog.forget(context)
            throw MediaError.file(path: path, reason: "cannot open: \(ffmpegReason(status))")
        }
        context = opened
        self.pointer = context
        self.path = path
    }

    deinit {
        FFmpegLog.forget(pointer)
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    /// The demuxer's own words when it found the file cut short, e.g. "File ended prematurely".
    var truncationWarning: String? { FFmpegLog.truncation(of: pointer) }

    /// Reads enough packets to learn each stream's codec parameters.
    func findStreamInfo() throws {
        let status = avformat_find_stream_info(pointer, nil)
        if status < 0 { throw fail("cannot read stream info", status) }
    }

    /// The streams, in container order.
    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(pointer.pointee.nb_streams)).compactMap { pointer.pointee.streams[$0] }
    }

    /// The index of the best stream of `kind`, or nil when the container has none.
    func bestStream(_ kind: AVMediaType) -> Int? {
        let index = av_find_best_stream(pointer, kind, -1, -1, nil, 0)
        return index >= 0 ? Int(index) : nil
    }

    /// A `MediaError` naming this file, the step that failed and FFmpeg's reason.
    func fail(_ step: String, _ status: Int32) -> MediaError {
        .file(path: path, reason: "\(step): \(ffmpegReason(status))")
    }
}

/// A decoder (`AVCodecContext`) opened for one stream.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    /// Allocates a context for `stream`'s codec; call ``open(stream:threads:in:)`` next.
    init(stream: UnsafeMutablePointer<AVStream>, path: String) throws {
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw MediaError.file(path: path, reason: "no decoder for codec '\(name)'")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError.file(path: path, reason: "cannot allocate a decoder")
        }
        self.pointer = context
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// Copies the stream's parameters and opens the decoder.
    /// - Parameter threads: decoder threads; 0 lets FFmpeg pick from the core count. Frame and
    ///   slice threading are both allowed, and FFmpeg uses what the codec supports.
    func open(stream: UnsafeMutablePointer<AVStream>, threads: Int, in file: FormatContext) throws {
        var status = avcodec_parameters_to_context(pointer, stream.pointee.codecpar)
        if status < 0 { throw file.fail("cannot configure the decoder", status) }
        pointer.pointee.pkt_timebase = stream.pointee.time_base
        pointer.pointee.thread_count = Int32(threads)
        pointer.pointee.thread_type = ember_thread_frame_and_slice()
        status = avcodec_open2(pointer, pointer.pointee.codec, nil)
        if status < 0 { throw file.fail("cannot open the decoder", status) }
    }
}

/// A reusable `AVPacket`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

/// A reusable `AVFrame`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}
