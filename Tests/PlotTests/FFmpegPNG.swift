import CFFmpeg

/// FFmpeg's own PNG decoder (libavcodec), with checksum checks on and errors fatal: the reference
/// that every PNG Ember writes must decode, exactly, to the pixels it was given.
enum FFmpegPNG {
    struct Image: Equatable {
        let width: Int
        let height: Int
        let channels: Int
        let pixels: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ bytes: [UInt8]) throws -> Image {
        guard let codec = avcodec_find_decoder(AV_CODEC_ID_PNG) else { throw Failure(description: "no PNG decoder") }
        var context = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&context) }
        guard let context else { throw Failure(description: "avcodec_alloc_context3 failed") }
        // Chunk CRCs checked, any damage an error (zlib checks the Adler-32 itself).
        context.pointee.err_recognition = AV_EF_CRCCHECK | AV_EF_EXPLODE
        guard avcodec_open2(context, codec, nil) == 0 else { throw Failure(description: "avcodec_open2 failed") }
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        guard let packet, let frame, av_new_packet(packet, Int32(bytes.count)) == 0 else {
            throw Failure(description: "out of memory")
        }
        bytes.withUnsafeBytes {
            packet.pointee.data.update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        var status = avcodec_send_packet(context, packet)
        guard status == 0 else { throw Failure(description: "avcodec_send_packet: \(status)") }
        status = avcodec_receive_frame(context, frame)
        guard status == 0 else { throw Failure(description: "avcodec_receive_frame: \(status)") }
        let channels: Int
        switch frame.pointee.format {
        case AV_PIX_FMT_RGB24.rawValue: channels = 3
        case AV_PIX_FMT_RGBA.rawValue: channels = 4
        case let other: throw Failure(description: "unexpected pixel format \(other)")
        }
        let (width, height) = (Int(frame.pointee.width), Int(frame.pointee.height))
        let stride = Int(frame.pointee.linesize.0)
        var pixels: [UInt8] = []
        for y in 0..<height {
            pixels += UnsafeBufferPointer(start: frame.pointee.data.0! + y * stride, count: width * channels)
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }
}
