import CFFmpeg
import TensorCore

/// Demuxes one stream of an open container and decodes it frame by frame.
///
/// The send/receive loop of libavcodec: packets of the chosen stream go in, frames come out in
/// presentation order (the decoder reorders B-frames), and at the end of the file an empty packet
/// drains the frames the decoder still holds (frame threading keeps one per thread).
final class StreamDecoder {
    let file: FormatContext
    let streamIndex: Int
    let stream: UnsafeMutablePointer<AVStream>
    let codec: CodecContext
    private let packet = Packet()
    private let frame = Frame()

    /// Opens a decoder for stream `index` of `file`.
    init(file: FormatContext, streamIndex index: Int, threads: Int) throws {
        self.file = file
        self.streamIndex = index
        self.stream = file.streams[index]
        self.codec = try CodecContext(stream: stream, path: file.path)
        try codec.open(stream: stream, threads: threads, in: file)
    }

    /// The stream's time base in seconds per tick.
    var timeBase: Double { av_q2d(stream.pointee.time_base) }

    /// The presentation time of a decoded frame in seconds: `best_effort_timestamp × time_base`,
    /// the timestamp PyAV and torchvision report, or nil when the stream carries none.
    func seconds(of frame: UnsafeMutablePointer<AVFrame>) -> Double? {
        let ticks = frame.pointee.best_effort_timestamp
        guard ticks != noPTS else { return nil }
        // One rounding of ticks·num/den, as PyAV's `float(pts * time_base)` gives.
        let base = stream.pointee.time_base
        return Double(ticks) * Double(base.num) / Double(base.den)
    }

    /// Seeks to the last keyframe at or before `time` (seconds) and resets the decoder, so that
    /// decoding resumes from a frame it can decode on its own. Returns false when the container
    /// cannot seek; the position is then unchanged and the caller decodes from where it is.
    func seek(to time: Double) -> Bool {
        let ticks = Int64((time / timeBase).rounded(.down))
        guard av_seek_frame(file.pointer, Int32(streamIndex), ticks, AVSEEK_FLAG_BACKWARD) >= 0
        else { return false }
        avcodec_flush_buffers(codec.pointer)
        return true
    }

    /// Decodes frames in presentation order and hands each to `body` until `body` returns false
    /// or the stream ends. The frame is only valid during the call; `av_frame_ref` keeps it.
    ///
    /// Polls ``Interrupt`` once per packet, so Ctrl-C stops a long decode between frames.
    func decode(_ body: (UnsafeMutablePointer<AVFrame>) throws -> Bool) throws {
        defer { av_packet_unref(packet.pointer) }
        while true {
            try Interrupt.check()
            let status = av_read_frame(file.pointer, packet.pointer)
            if status == averrorEOF { break }
            if status < 0 { throw file.fail("cannot read a packet", status) }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == Int32(streamIndex) else { continue }
            if packet.pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
                throw MediaError.file(path: file.path, reason: "truncated or corrupt packet")
            }
            try send(packet.pointer)
            if try !receive(body) { return }
        }
        if let io = file.pointer.pointee.pb, io.pointee.error < 0, io.pointee.error != averrorEOF {
            throw file.fail("read error", io.pointee.error)
        }
        if let warning = file.truncationWarning {
            throw MediaError.file(path: file.path, reason: "truncated: \(warning)")
        }
        try send(nil)
        _ = try receive(body)
    }

    private func send(_ packet: UnsafeMutablePointer<AVPacket>?) throws {
        let status = avcodec_send_packet(codec.pointer, packet)
        // EOF: the decoder was already drained (a second flush); nothing more to send.
        if status < 0 && status != averrorEOF { throw file.fail("cannot decode", status) }
    }

    /// Drains every frame the decoder has ready; false when `body` asked to stop.
    private func receive(_ body: (UnsafeMutablePointer<AVFrame>) throws -> Bool) throws -> Bool {
        while true {
            let status = avcodec_receive_frame(codec.pointer, frame.pointer)
            if status == averrorEAGAIN || status == averrorEOF { return true }
            if status < 0 { throw file.fail("cannot decode", status) }
            defer { av_frame_unref(frame.pointer) }
            if try !body(frame.pointer) { return false }
        }
    }
}
