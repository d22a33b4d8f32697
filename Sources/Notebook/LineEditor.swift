import CReadline
import Foundation
import Lua

/// The REPL's line input: GNU readline (editing, history, completion) through its callback
/// interface, so that Ctrl-C at the prompt can discard the line without killing anything.
///
/// Readline's own signal handlers are off; the SIGINT handler of `CLuaShim` counts signals,
/// `poll` returns `EINTR`, and the editor sees the count change. History is kept in a file with
/// timestamps, which is how readline keeps multi-line entries whole across sessions.
final class LineEditor {
    /// What one read produced.
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was discarded.
        case interrupted
        /// Ctrl-D on an empty line, or the end of the input.
        case endOfInput
    }

    private let historyPath: String?
    /// Text to place on the next prompt line (`%load`).
    var pendingText: String?

    /// Sets readline up for Lua: word breaks exclude `.` and `:` so `tensor.ze` completes as
    /// one word; quotes delimit strings so file names inside them complete.
    init(historyPath: String?, completer: Completer) {
        self.historyPath = historyPath
        ember_rl_configure("ember", LineEditor.wordBreaks, "\"'")
        ActiveCompletion.completer = completer
        ember_rl_set_completion(completionEntry)
        stifle_history(5000)
        if let historyPath {
            let directory = (historyPath as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            read_history(historyPath)
        }
    }

    /// The characters that end a completion word (not `.`, `:`, `_`).
    static let wordBreaks = " \t\n\"'`@$><=;|&{(,)}[]+-*/%^~#?!"

    /// Reads one line with `prompt`.
    func read(prompt: String) -> Input {
        LineBuffer.line = nil
        LineBuffer.finished = false
        let signals = LuaInterrupts.signalCount
        rl_callback_handler_install(prompt, lineHandler)
        defer { rl_callback_handler_remove() }
        if let text = pendingText {
            pendingText = nil
            rl_insert_text(text)
            rl_redisplay()
        }
        while true {
            var descriptor = pollfd(fd: ember_rl_input_fd(), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if LuaInterrupts.signalCount != signals {
                ember_rl_discard_line()
                LuaOutput.writeToStandardOutput("^C\n")
                LuaInterrupts.clear()
                return .interrupted
            }
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            rl_callback_read_char()
            if LineBuffer.finished {
                return LineBuffer.line.map(Input.line) ?? .endOfInput
            }
        }
    }

    /// Adds a whole cell (all its lines) as one history entry and appends it to the file.
    func addHistory(_ entry: String) {
        add_history(entry)
        guard let historyPath else { return }
        if FileManager.default.fileExists(atPath: historyPath) {
            append_history(1, historyPath)
        } else {
            write_history(historyPath)
        }
        history_truncate_file(historyPath, 5000)
    }
}

/// Where readline's line callback leaves the line (C callbacks cannot capture context; the REPL
/// runs on one thread).
private enum LineBuffer {
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var finished = false
}

private func lineHandler(_ line: UnsafeMutablePointer<CChar>?) {
    LineBuffer.finished = true
    if let line {
        LineBuffer.line = String(cString: line)
        free(line)
    } else {
        LineBuffer.line = nil
    }
    // Removing the handler here stops readline from printing the prompt again.
    rl_callback_handler_remove()
}

/// The completer readline's C callback reaches.
private enum ActiveCompletion {
    nonisolated(unsafe) static var completer: Completer?
}

private func completionEntry(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    // Inside a string literal readline falls back to its file-name completion.
    guard ember_rl_quote_character() == 0, let text, let completer = ActiveCompletion.completer else {
        return nil
    }
    ember_rl_completion_is_final()
    let line = String(cString: ember_rl_line_buffer())
    let before = String(line.utf8.prefix(Int(start))) ?? ""
    let matches = completer.complete(String(cString: text), after: before)
    guard !matches.isEmpty else { return nil }
    // readline wants [replacement, match1, …, NULL], all malloc'd; it frees them.
    let count = matches.count + 2
    let list = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * count)!
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: count)
    list[0] = strdup(commonPrefix(matches))
    for (i, match) in matches.enumerated() { list[i + 1] = strdup(match) }
    list[count - 1] = nil
    return list
}

private func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
        while !word.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
}
