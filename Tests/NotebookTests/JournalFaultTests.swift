import Foundation
import Notebook
import Testing

private func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "ember-test-\(UUID().uuidString)-\(name)"
}

/// The journal under faults: a disk that takes no bytes (`/dev/full`) is reported after every
/// cell while the cells wait in memory; damaged journals are errors, never fewer cells.
/// (Recovery on a real full disk, partial writes included, is scripts/test-faults' part.)
@Suite struct JournalFaultTests {
    @Test func aFullDiskIsReportedAndTheCellsAreKept() throws {
        let journal = try Journal(path: "/dev/full")
        #expect(journal.status == .failing(reason: "No space left on device", unwritten: 0))
        let s = QuietSession(journal: journal)
        s.run("x = 1")
        #expect(
            s.session.takeJournalNotice()
                == "Journal: cannot write /dev/full: No space left on device. 1 cell kept in memory and written "
                + "again after each cell (%save FILE on another disk keeps them too).")
        #expect(s.session.takeJournalNotice() == nil)  // told once per cell
        s.run("x + 1")
        #expect(s.session.takeJournalNotice()?.contains(" 2 cells kept in memory") == true)
        s.session.reset()
        #expect(journal.unwrittenCells == 2 && !journal.flush())
    }

    @Test func aJournalWithoutItsHeaderIsAnError() throws {
        let path = temporaryPath("journal")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = QuietSession(journal: try Journal(path: path))
        s.run("x = 1")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try String(text.split(separator: "\n", maxSplits: 1)[1]).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: NotebookError.self) { _ = try Replay.cells(of: path) }
        do {
            _ = try Replay.cells(of: path)
        } catch {
            #expect(
                "\(error)"
                    == "\(path): a journal without its header line ({\"ember_journal\":1,…}); the file is damaged")
        }
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: NotebookError.self) { _ = try Replay.cells(of: path) }
    }

    @Test func aDamagedLineIsAnErrorButACutOffLastRecordIsSkipped() throws {
        let path = temporaryPath("journal")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = QuietSession(journal: try Journal(path: path))
        s.run("x = 1")
        s.run("y = 2")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // A crash in the middle of a write: the last record is cut off; the cells before it stay.
        try String(text.dropLast(9)).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Journal.read(from: path).map(\.source) == ["x = 1"])
        // A new session on the same file cuts the broken record off before writing its own.
        let next = QuietSession(journal: try Journal(path: path))
        next.run("z = 3")
        #expect(try Journal.read(from: path).map(\.source) == ["x = 1", "z = 3"])
        // Damage in the middle is an error, never a shorter replay.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let damaged = [lines[0], lines[1].dropLast(3), lines[2], lines[3]].joined(separator: "\n") + "\n"
        try damaged.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: NotebookError.self) { _ = try Journal.read(from: path) }
    }

    @Test func aFileWithoutCellsIsNotAnEmptyReplay() throws {
        let path = temporaryPath("empty.lua")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "print('a script, not a saved session')\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: NotebookError.self) { _ = try Replay.cells(of: path) }
        // A saved session with no cells is still a saved session.
        try PercentFormat.script(for: []).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Replay.cells(of: path).isEmpty)
    }
}
