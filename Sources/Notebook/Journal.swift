import CLuaShim
import Foundation

/// The session journal: every finished cell appended as one JSON line and written at once
/// (`write(2)` on an `O_APPEND` descriptor, no buffering), so a crash or a kill loses nothing.
///
/// Format (JSON Lines): a header `{"ember_journal":1,"started":…,"ember":…}`, then one
/// ``CellRecord`` per line, and `{"reset":true}` where `%reset` was used. ``Journal/read(from:)``
/// gives back the cells after the last reset.
public final class Journal {
    /// The journal file.
    public let path: String
    private let descriptor: Int32

    /// Opens (creating if needed, with its directory) the journal at `path` and writes a header.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw NotebookError("cannot create \(directory) for the journal")
            }
        }
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw NotebookError("cannot open the journal \(path): \(String(cString: strerror(errno)))")
        }
        let header: [String: Any] = [
            "ember_journal": 1, "ember": EmberVersion.version,
            "started": ISO8601DateFormatter().string(from: Date()),
        ]
        writeLine(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    }

    deinit {
        close(descriptor)
    }

    /// Appends a finished cell.
    public func append(_ record: CellRecord) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return }
        writeLine(data)
    }

    /// Notes a `%reset`: cells before it are not part of the session any more.
    public func appendReset() {
        writeLine(Data(#"{"reset":true}"#.utf8))
    }

    private func writeLine(_ data: Data) {
        var line = data
        line.append(0x0A)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// The cells of a journal file after its last reset. A truncated last line (a crash in the
    /// middle of a write) is skipped.
    public static func read(from path: String) throws -> [CellRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var cells: [CellRecord] = []
        let decoder = JSONDecoder()
        for line in text.split(separator: "\n") {
            let data = Data(line.utf8)
            if let record = try? decoder.decode(CellRecord.self, from: data) {
                cells.append(record)
            } else if line.contains(#""reset":true"#) {
                cells = []
            }
        }
        return cells
    }

    /// Whether the file at `path` looks like a journal (its first line is the header).
    public static func isJournal(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 32)) ?? Data()
        return String(decoding: start, as: UTF8.self).hasPrefix(#"{"ember"#)
    }
}

/// An error of the notebook layer with a message meant for the user.
public struct NotebookError: Error, CustomStringConvertible {
    public var description: String

    /// Makes the error.
    public init(_ message: String) {
        description = message
    }
}

/// Ember's version, shown by `ember --version` and written into journals and exports.
public enum EmberVersion {
    /// The release.
    public static let version = "0.1.0"
    /// The Lua release Ember is built with (`Lua 5.4.4`).
    public static var lua: String { String(cString: ember_lua_release()) }
}
