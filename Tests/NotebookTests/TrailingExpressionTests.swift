import Notebook
import Testing

/// Cells that end in an expression after some statements show the expression's values, as a
/// Jupyter cell does, keep their `local`s, and save and replay.
@Suite struct TrailingExpressionTests {
    @Test func theLastExpressionIsShownAndLocalsAreKept() {
        let s = QuietSession()
        let record = s.run("local y = 5\nx = y * 2\nx + 1")
        #expect(record.kind == .trailingExpression && record.result == "11" && record.status == .ok)
        #expect(s.run("y").result == "5")
        #expect(s.run("_").result == "5")
        #expect(s.run("a = 1; a, a + 1").result == "1, 2")  // after `;` on one line too
    }

    @Test func anExpressionOverSeveralLinesIsFoundWhole() {
        let s = QuietSession()
        #expect(s.run("t = {3, 9}\nmath.max(\n  t[1],\n  t[2])").result == "9")
    }

    @Test func stringsAndCommentsAreNotCut() {
        let s = QuietSession()
        #expect(s.run("s = 'a;b'\ns").result == "\"a;b\"")
        #expect(s.run("s = [[line\nx]]\n#s").result == "6")
        let commented = s.run("z = 1 -- then; z")
        #expect(commented.kind == .statement && commented.result == nil)
        #expect(s.run("w = 2 --[[ a\nlong; comment ]]").kind == .statement)
    }

    @Test func statementsOnlyAndCallsWithoutValuesShowNothing() {
        let s = QuietSession()
        // The last line of a block is no trailing expression: the loop runs whole.
        let loop = s.run("for i = 1, 2 do\nprint('row' .. i)\nend")
        #expect(loop.kind == .statement && loop.output == "row1\nrow2\n")
        #expect(s.run("if true then\n  1\nend").status == .error)
        #expect(s.run("x = 1\ny = 2").kind == .statement)
        let printing = s.run("x = 1\nprint(x)")
        #expect(printing.result == nil && printing.output == "1\n")
        #expect(s.run("x = 1\nx;").result == nil)  // a trailing `;` silences it
    }

    @Test func errorsKeepTheirLineNumbers() {
        let s = QuietSession()
        let record = s.run("x = 1\n\nx + nil")
        #expect(record.status == .error)
        #expect(
            record.error?.hasPrefix("[\(record.number)]:3: attempt to perform arithmetic") == true,
            "\(record.error ?? "")")
    }

    @Test func savedAsValidLuaAndReplayed() {
        let s = QuietSession()
        s.run("local n = 6\nn * 7")
        let script = PercentFormat.script(for: s.session.cells)
        #expect(script.contains("local n = 6\n_ = n * 7\n--| Out[1]: 42\n"), "\(script)")
        #expect(QuietSession().run(script).status == .ok)  // plain Lua
        let cells = PercentFormat.parse(script)
        #expect(s.session.typedSource(ofSaved: cells[0].source) == "local n = 6\nn * 7")
        let outcome = Replay.run(cells, in: QuietSession().session, check: true) { _ in }
        #expect(outcome.exitStatus == 0 && outcome.cellsRun == 1)
    }
}
