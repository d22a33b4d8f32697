import CFFmpeg
import Synchronization

/// Routes FFmpeg's log lines away from stderr and keeps the warnings each open container's
/// demuxer emits, because some damage is only ever reported there: a Matroska file cut short
/// ends with "File ended prematurely" and a plain end of file, an MP4 whose data is cut off
/// logs "partial file". Every failure reaches the caller as a ``MediaError`` instead.
enum FFmpegLog {
    /// Warnings per watched `AVFormatContext` address. Decoder threads log concurrently.
    private static let warnings = Mutex<[UInt: [String]]>([:])

    /// Installs the callback once per process.
    static let installed: Void = av_log_set_callback { context, level, format, arguments in
        guard let context, level <= AV_LOG_WARNING, let format, let arguments else { return }
        let key = UInt(bitPattern: context)
        var line = [CChar](repeating: 0, count: 512)
        var prefix: Int32 = 0
        av_log_format_line2(nil, level, format, arguments, &line, Int32(line.count), &prefix)
        let text = String(
            decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
            as: UTF8.self
        ).trimmingWhitespace()
        FFmpegLog.warnings.withLock { table in
            if table[key] != nil, table[key]!.count < 16 { table[key]!.append(text) }
        }
    }

    /// Starts keeping the warnings logged against `context`.
    static func watch(_ context: UnsafeMutableRawPointer) {
        _ = installed
        warnings.withLock { $0[UInt(bitPattern: context)] = [] }
    }

    /// Stops keeping them (the context is being freed).
    static func forget(_ context: UnsafeMutableRawPointer) {
        warnings.withLock { _ = $0.removeValue(forKey: UInt(bitPattern: context)) }
    }

    /// The demuxer's message when it reported the file as cut short.
    static func truncation(of context: UnsafeMutableRawPointer) -> String? {
        warnings.withLock { table in
            table[UInt(bitPattern: context)]?.first {
                $0.contains("ended prematurely") || $0.contains("partial file")
                    || $0.contains("runcated")
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let end =
            scalars.lastIndex { !$0.properties.isWhitespace }.map { scalars.index(after: $0) }
            ?? start
        return String(scalars[start..<end])
    }
}
