#if canImport(Glibc)
import Glibc
#endif

/// A status line redrawn in place on a terminal: written with a carriage return and a
/// clear-to-end-of-line, at most every ``minimumInterval``, and erased before other output.
///
/// It writes to a terminal file descriptor of its own (standard error by default), never to the
/// output the notebook captures, so redraws and timings stay out of journals and logs: a
/// replayed session prints the same lines whether or not a terminal was attached.
public final class TerminalProgress {
    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// The least time between two redraws (a fast loop would otherwise spend its time drawing).
    public var minimumInterval = Duration.milliseconds(100)
    private var visible = false
    private var lastDraw: ContinuousClock.Instant?

    /// A status line on `fileDescriptor`, or nil when that is not a terminal.
    public init?(fileDescriptor: Int32 = 2) {
        guard isatty(fileDescriptor) == 1 else { return nil }
        self.fileDescriptor = fileDescriptor
    }

    /// The terminal's width in columns (80 when it cannot be asked).
    public var columns: Int {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(fileDescriptor, UInt(TIOCGWINSZ), $0) }
        return status == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    /// Draws `text` over the previous status line, unless the last draw was too recent and
    /// `force` is false.
    public func show(_ text: String, force: Bool = false) {
        let now = ContinuousClock.now
        if !force, let last = lastDraw, now - last < minimumInterval { return }
        lastDraw = now
        visible = true
        emit("\r" + text + "\u{1B}[K")
    }

    /// Erases the status line (before other output is written, and when the work ends).
    public func clear() {
        guard visible else { return }
        visible = false
        emit("\r\u{1B}[K")
    }

    private func emit(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fileDescriptor, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }  // a closed terminal is not worth failing a training run for
                done += n
            }
        }
    }
}
