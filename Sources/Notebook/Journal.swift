import Foundation
import TensorCore

/// The session journal: every finished cell appended as one JSON line and written at once
/// (`write(2)` on an `O_APPEND` descriptor, no buffering), so a crash or a kill loses nothing.
///
/// Format (JSON Lines): a header `{"ember_journal":1,"started":…,"ember":…}`, then one
/// ``CellRecord`` per line, and `{"reset":true}` where `%reset` was used. ``Journal/read(from:)``
/// gives back the cells after the last reset.
///
/// A write that fails (a full disk) never leaves the file in a state that replays wrongly: the
/// part of a line that got written is cut back off, and the lines not written — the header
/// included, which therefore always comes first — stay in memory, in order, and are written
/// again before the next line. ``status`` says how far behind the file is, for the front end
/// to tell the user.
public final class Journal {
    /// How the file stands after the last write.
    public enum Status: Equatable, Sendable {
        /// Everything is on disk.
        case written
        /// `unwritten` cells are kept in memory because writing failed for `reason`.
        case failing(reason: String, unwritten: Int)
        /// The `count` cells that were kept in memory have now been written.
        case recovered(count: Int)
    }

    /// The journal file.
    public let path: String
    /// How the file stands after the last append.
    public private(set) var status = Status.written
    private let file: AppendFile
    /// Whole lines not yet on disk, oldest first, and whether each is a cell.
    private var pending: [(line: [UInt8], isCell: Bool)] = []

    /// Opens (creating if needed, with its directory) the journal at `path` and writes a header.
    /// A record cut off at the end of an existing file (a crash in the middle of a write) is
    /// removed first, so the new lines do not join it.
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
        do {
            file = try AppendFile(path: path)
        } catch {
            throw NotebookError("the journal \(error)")  // the journal <path>: cannot open for appending: <reason>
        }
        let header: [String: Any] = [
            "ember_journal": 1, "ember": EmberVersion.version,
            "started": ISO8601DateFormatter().string(from: Date()),
        ]
        let data = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        append(line: Array(data), isCell: false)
    }

    /// Appends a finished cell (after any lines still waiting).
    public func append(_ record: CellRecord) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return }
        append(line: Array(data), isCell: true)
    }

    /// Notes a `%reset`: cells before it are not part of the session any more.
    public func appendReset() {
        append(line: Array(#"{"reset":true}"#.utf8), isCell: false)
    }

    /// Writes the lines still in memory, if any.
    /// - Returns: whether everything is on disk now.
    @discardableResult
    public func flush() -> Bool {
        append(line: nil, isCell: false)
        return pending.isEmpty
    }

    /// The number of cells still in memory only.
    public var unwrittenCells: Int { pending.count { $0.isCell } }

    private func append(line: [UInt8]?, isCell: Bool) {
        let waiting = unwrittenCells
        if let line { pending.append((line + [0x0A], isCell)) }
        while let next = pending.first {
            do {
                try file.append(next.line)
            } catch {
                let reason = (error as? AppendFile.Failure)?.reason ?? "\(error)"
                status = .failing(reason: reason, unwritten: unwrittenCells)
                return
            }
            pending.removeFirst()
        }
        status = waiting > 0 ? .recovered(count: waiting) : .written
    }
}

extension Journal {
    /// What to tell the user about the last write, or nil when all is well.
    public var notice: String? {
        switch status {
        case .written:
            return nil
        case .failing(let reason, let unwritten):
            return "Journal: cannot write \(path): \(reason). \(cellCount(unwritten)) kept in memory and written "
                + "again after each cell (%save FILE on another disk keeps them too)."
        case .recovered(let count):
            return "Journal: written again; the \(cellCount(count)) kept in memory are now in \(path)."
        }
    }

    /// `1 cell`, `3 cells`.
    func cellCount(_ n: Int) -> String { n == 1 ? "1 cell" : "\(n) cells" }
}

extension Journal {
    /// The cells of a journal file after its last reset.
    ///
    /// The file must start with the journal header; a record cut off at the very end (a crash
    /// in the middle of a write) is skipped; any other line that is not a header, a cell or a
    /// reset is an error, so a damaged journal never replays as fewer cells.
    /// - Throws: ``NotebookError`` naming the file (and the line).
    public static func read(from path: String) throws -> [CellRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NotebookError("cannot read the journal \(path)")
        }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.first, isHeader(first) else {
            throw NotebookError("\(path): not a journal: the first line is not the journal header")
        }
        var cells: [CellRecord] = []
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            if let record = try? decoder.decode(CellRecord.self, from: line) {
                cells.append(record)
            } else if line.elementsEqual(#"{"reset":true}"#.utf8) {
                cells = []
            } else if !isHeader(line) && index < lines.count - 1 {
                throw NotebookError("\(path):\(index + 1): a damaged journal line (not a cell record)")
            }
        }
        return cells
    }

    /// Whether the file at `path` looks like a journal (its first line is the header).
    public static func isJournal(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return isHeader((try? handle.read(upToCount: 32)) ?? Data())
    }

    /// Whether `text` looks like journal lines that lost their header: its first line is a cell
    /// record or a reset.
    static func isHeaderless(_ text: String) -> Bool {
        guard let first = text.split(separator: "\n").first else { return false }
        return first == #"{"reset":true}"#
            || (try? JSONDecoder().decode(CellRecord.self, from: Data(first.utf8))) != nil
    }

    private static func isHeader(_ line: some Collection<UInt8>) -> Bool { line.starts(with: #"{"ember"#.utf8) }
}
