import CFFmpeg

/// FFmpeg's own text for an error code, as `av_strerror` gives it.
func ffmpegReason(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 {
        return "FFmpeg error \(code)"
    }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

let averrorEOF = ember_averror_eof()
let averrorEAGAIN = ember_averror_eagain()
let noPTS = ember_nopts_value()
