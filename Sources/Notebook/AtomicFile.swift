import Foundation

/// Writes files the way DESIGN.md §4 asks: to a temporary file beside the target, then
/// renamed over it, so a crash never leaves a half-written file in place of a good one.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw NotebookError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as NotebookError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw NotebookError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
