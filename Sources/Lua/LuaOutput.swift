import CLuaShim

/// The one place printed output goes: Lua's `print` and `io.write`, warnings, and anything a
/// Swift library shows the user (progress lines, summaries). Library code writes here instead
/// of calling Swift's `print`, so a notebook can show, capture and journal it per cell.
///
/// Text goes to the destination at once (standard output by default, flushed after each write)
/// and, while a capture is active, is also kept for the host.
public final class LuaOutput {
    private let destination: (String) -> Void
    private var captured: [String] = []
    private var capturedBytes = 0
    private var capturing = false
    private var truncated = false
    /// The most a capture keeps; more is shown but not kept, so huge output cannot exhaust
    /// memory (the journal notes the cut).
    public var captureLimit = 1 << 20

    /// Makes a sink.
    /// - Parameter destination: where text goes; standard output by default.
    public init(destination: @escaping (String) -> Void = LuaOutput.writeToStandardOutput) {
        self.destination = destination
    }

    /// Writes text to standard output through C stdio (the stream Lua's own libraries use, so
    /// the order of output is kept) and flushes it.
    public static func writeToStandardOutput(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { ember_write_stdout($0.baseAddress, $0.count) }
        }
    }

    /// Shows `text` and, while capturing, keeps it.
    public func write(_ text: String) {
        destination(text)
        guard capturing else { return }
        if capturedBytes + text.utf8.count <= captureLimit {
            captured.append(text)
            capturedBytes += text.utf8.count
        } else if !truncated {
            truncated = true
            captured.append("\n[output truncated: more than \(captureLimit) bytes]\n")
        }
    }

    /// Starts keeping what is written (the previous capture is dropped).
    public func beginCapture() {
        captured = []
        capturedBytes = 0
        truncated = false
        capturing = true
    }

    /// Stops capturing and returns what was written since ``beginCapture()``.
    public func endCapture() -> String {
        capturing = false
        defer { captured = [] }
        return captured.joined()
    }
}
