import Foundation
import Notebook
import Testing

/// Saved sessions never run their outputs: whatever a cell prints, `%save`'s file runs only the
/// cells' code, reads back the exact output, and replays with `--check`.
@Suite struct HostileOutputTests {
    /// Outputs that end a Lua comment line (`\r`, `\r\n`), break lines for editors and Jupytext
    /// (other controls, U+2028), or look like Lua or the format's own syntax.
    static let outputs: [String] = [
        "before\rboom = 1",
        "line\r\nboom = 2\r\n",
        "\r\rboom = 3 --",
        "nul\u{0}boom = 4",
        "]] boom = 5 --[[",
        "--[==[ long ]==] boom = 6",
        "\u{2028}boom = 7\u{2029}boom = 8\u{85}boom = 9",
        "\u{b}\u{c}\u{1c}\u{1d}\u{1e}\u{7f}boom = 10",
        "-- %% [99]\nboom = 11",
        "--| not output\n--|\\ \\u{d}boom = 12",
        "back\\slash \\r \\u{41} \\\\ tab\tend",
        "e\u{301}\u{301} combining after a space: \u{301}",
        "",
    ]

    /// The `print` of `text`, as Lua source (every byte as a decimal escape).
    static func printing(_ text: String) -> String {
        "io.write(\"" + text.utf8.map { "\\\($0)" }.joined() + "\");"
    }

    @Test(arguments: outputs.indices)
    func savedOutputsNeverRunAndReadBackExactly(index: Int) throws {
        let text = Self.outputs[index]
        let s = QuietSession()
        s.run("x = 1")
        let printed = s.run(Self.printing(text))
        #expect(printed.status == .ok && printed.output == text)
        s.run("x + 1")
        let script = PercentFormat.script(for: s.session.cells)
        // Run as plain Lua: no `boom` assignment may happen.
        let plain = QuietSession()
        #expect(plain.run(script).status == .ok)
        #expect(plain.run("boom").result == "nil", "\(script.debugDescription)")
        // Read back: the recorded display is exactly what the cell showed.
        let cells = PercentFormat.parse(script)
        #expect(cells.map(\.expected) == s.session.cells.map(\.display), "\(script.debugDescription)")
        // Replayed with --check in a fresh session: every output matches.
        let outcome = Replay.run(cells, in: QuietSession().session, check: true) { _ in }
        #expect(outcome.exitStatus == 0 && outcome.cellsRun == 3)
    }

    @Test func invalidUTF8IsShownRepairedAndReadBackAsShown() throws {
        let s = QuietSession()
        let record = s.run("io.write('\\xff\\xfe\\rboom = 1\\n');")
        #expect(record.output == "\u{FFFD}\u{FFFD}\rboom = 1\n")
        let script = PercentFormat.script(for: s.session.cells)
        let plain = QuietSession()
        #expect(plain.run(script).status == .ok && plain.run("boom").result == "nil")
        #expect(PercentFormat.parse(script).map(\.expected) == [record.display])
    }

    @Test func ordinaryOutputIsWrittenAsItIs() {
        let s = QuietSession()
        s.run("print('a\\tb \\\\ c')")
        #expect(PercentFormat.script(for: s.session.cells).hasSuffix("--| a\tb \\ c\n"))
    }

    /// A file whose line ends became `\r\n` (an editor on Windows) reads the same.
    @Test func crlfLineEndsReadTheSame() {
        let s = QuietSession()
        s.run("print('one') print('two\\r')")
        let script = PercentFormat.script(for: s.session.cells)
        let crlf = script.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(PercentFormat.parse(crlf).map(\.expected) == PercentFormat.parse(script).map(\.expected))
    }
}
