#if canImport(Glibc)
import Glibc
#endif

/// Where a trainer shows what it does: clean log lines, and optionally a live progress bar.
///
/// Lines carry only what a run determines (epochs, steps, losses, learning rates, metrics), never
/// timings, so a replayed notebook prints them identically; speed and time left appear only in
/// the bar, which goes to a terminal and is never captured. The Lua library sends lines to the
/// notebook's output; ``standard()`` sends them to standard output.
public struct TrainingOutput {
    /// Receives each log line, without its newline.
    public var line: (String) -> Void
    /// The live bar, when a terminal shows it.
    public var progress: TerminalProgress?

    public init(line: @escaping (String) -> Void, progress: TerminalProgress? = nil) {
        self.line = line
        self.progress = progress
    }

    /// Lines to standard output; the bar on standard error when that is a terminal.
    public static func standard() -> TrainingOutput {
        TrainingOutput(
            line: { text in
                var text = text + "\n"
                text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
            }, progress: TerminalProgress(fileDescriptor: 2))
    }

    /// Shows nothing.
    public static func silent() -> TrainingOutput { TrainingOutput(line: { _ in }) }
}
