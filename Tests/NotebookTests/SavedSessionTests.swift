import Foundation
import Notebook
import Testing

private func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "ember-test-\(UUID().uuidString)-\(name)"
}

@Suite struct SavedSessionTests {
    /// A small session with every kind of cell.
    private func sampleSession() -> QuietSession {
        let s = QuietSession()
        s.run("local a = 21")
        s.run("a * 2")
        s.run("print('hello') io.write('no newline')")
        s.run("nil + 1")
        s.run("b = a + 1;")
        s.run("{b, 'x'}")
        return s
    }

    @Test func percentFormatRoundTrips() {
        let s = sampleSession()
        let script = PercentFormat.script(for: s.session.cells)
        #expect(script.contains("-- %% [2]\n_ = a * 2\n--| Out[2]: 42\n"))
        #expect(script.contains("--| hello\n--| no newline\n"))
        #expect(!script.contains("nil + 1"))  // failed cells are left out by default
        #expect(script.contains("-- %% [5]\n_ = b = a + 1;") == false)
        let cells = PercentFormat.parse(script)
        #expect(cells.map(\.number) == [1, 2, 3, 5, 6])
        #expect(cells[1].source == "_ = a * 2")
        #expect(cells[1].expected == "Out[2]: 42\n")
        let all = PercentFormat.parse(PercentFormat.script(for: s.session.cells, includeFailed: true))
        #expect(all.map(\.number) == [1, 2, 3, 4, 5, 6])
    }

    @Test func theSavedScriptRunsAsPlainLua() throws {
        let s = sampleSession()
        let script = PercentFormat.script(for: s.session.cells)
        let fresh = QuietSession()
        let record = fresh.run(script)
        #expect(record.status == .ok)
        #expect(record.output == "hello\nno newline")
        #expect(fresh.run("b").result == "22")
    }

    @Test func replayCheckPassesOnTheRecordingAndFailsOnAChange() {
        let script = PercentFormat.script(for: sampleSession().session.cells)
        let cells = PercentFormat.parse(script)
        var report = ""
        let passing = Replay.run(cells, in: QuietSession().session, check: true) { report += $0 }
        #expect(passing.cellsRun == 5 && passing.exitStatus == 0)
        #expect(report.contains("In [2]: a * 2\nOut[2]: 42\n"))
        let doctored = PercentFormat.parse(script.replacingOccurrences(of: "--| Out[2]: 42", with: "--| Out[2]: 43"))
        let failing = Replay.run(doctored, in: QuietSession().session, check: true) { _ in }
        #expect(failing.firstDifference == 2 && failing.exitStatus == 1 && failing.cellsRun == 2)
    }

    /// `notebook.save` from Lua saves the cells before the one calling it; the file replays.
    @Test func notebookSaveFromLuaWritesAReplayableScript() throws {
        let path = temporaryPath("saved.lua")
        let s = QuietSession()
        s.run("x = 6 * 7")
        s.run("print('x is', x)")
        s.run("nil + 1")
        let saving = s.run("return notebook.save('\(path)')")
        #expect(saving.status == .ok && saving.result == "2")
        let cells = try Replay.cells(of: path)
        #expect(cells.map(\.number) == [1, 2])
        #expect(cells[1].expected == "x is\t42\n")
        let replay = Replay.run(cells, in: QuietSession().session, check: true) { _ in }
        #expect(replay.exitStatus == 0)
        #expect(s.run("notebook.save('\(path)', {every = true})").status == .error)  // unknown option
    }

    @Test func cellsEndingInReturnSaveAsValidLuaAndReplay() {
        let s = QuietSession()
        let record = s.run("local t = {1, 2}\nreturn t, #t")
        #expect(record.kind == .block && record.result == "{1, 2}, 2")
        let script = PercentFormat.script(for: s.session.cells)
        #expect(QuietSession().run(script + "\nx = 1").status == .ok)  // nothing ends the script early
        let outcome = Replay.run(PercentFormat.parse(script), in: QuietSession().session, check: true) { _ in }
        #expect(outcome.exitStatus == 0)
    }

    @Test func replayReportsFailedCells() {
        let cells = PercentFormat.parse(PercentFormat.script(for: sampleSession().session.cells, includeFailed: true))
        let outcome = Replay.run(cells, in: QuietSession().session, check: true) { _ in }
        #expect(outcome.firstFailure == 4 && outcome.firstDifference == nil && outcome.exitStatus == 1)
    }

    @Test func theJournalKeepsEveryCellAsItFinishes() throws {
        let path = temporaryPath("journal")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = QuietSession(journal: try Journal(path: path))
        s.run("x = 1")
        s.run("x + 1")
        // Read while the session is still open: nothing waits for a flush at exit.
        let cells = try Journal.read(from: path)
        #expect(cells.map(\.source) == ["x = 1", "x + 1"])
        #expect(cells[1].result == "2" && cells[1].status == .ok)
        s.run("while true do error('stop') end")
        #expect(try Journal.read(from: path).last?.status == .error)
        s.session.reset()
        s.run("y = 2")
        #expect(try Journal.read(from: path).map(\.source) == ["y = 2"])
        #expect(Journal.isJournal(path))
    }

    @Test func notebookExportHasTheNbformatStructure() throws {
        let s = sampleSession()
        let json = try NotebookExport.notebook(for: NotebookExport.cells(from: s.session.cells))
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(document?["nbformat"] as? Int == 4)
        #expect(document?["nbformat_minor"] as? Int == 5)
        let kernel = (document?["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
        #expect(kernel?["name"] as? String == "ember" && kernel?["display_name"] != nil)
        let cells = document?["cells"] as? [[String: Any]] ?? []
        #expect(cells.count == 6)
        for cell in cells {
            #expect(cell["cell_type"] as? String == "code")
            #expect(cell["id"] is String && cell["metadata"] is [String: Any] && cell["source"] is [String])
            #expect(cell["execution_count"] is Int && cell["outputs"] is [[String: Any]])
        }
        let second = cells[1]["outputs"] as? [[String: Any]]
        #expect(second?.first?["output_type"] as? String == "execute_result")
        #expect((second?.first?["data"] as? [String: Any])?["text/plain"] as? [String] == ["42"])
        let third = cells[2]["outputs"] as? [[String: Any]]
        #expect(third?.first?["output_type"] as? String == "stream")
        #expect(third?.first?["text"] as? [String] == ["hello\n", "no newline"])
        let failed = cells[3]["outputs"] as? [[String: Any]]
        #expect(failed?.first?["output_type"] as? String == "error")
        #expect(
            failed?.first?["ename"] is String && failed?.first?["evalue"] is String
                && failed?.first?["traceback"] is [String])
    }

    @Test func exportFromASavedScriptSplitsOutputAndValue() {
        let script = PercentFormat.script(for: sampleSession().session.cells)
        let cells = NotebookExport.cells(from: PercentFormat.parse(script))
        #expect(cells[1] == ExportCell(number: 2, source: "a * 2", stdout: "", result: "42", error: nil))
        #expect(cells[2].stdout == "hello\nno newline\n" && cells[2].result == nil)
    }
}
