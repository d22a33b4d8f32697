import Lua
import Notebook
import TestSupport
import Testing

/// A session whose output is kept in memory.
final class QuietSession {
    final class Sink { var text = "" }
    let sink = Sink()
    let session: Session

    init(journal: Journal? = nil) {
        let sink = sink
        session = Session(output: LuaOutput { sink.text += $0 }, journal: journal)
    }

    @discardableResult
    func run(_ source: String) -> CellRecord {
        InterruptLock.shared.withLock { session.run(source) }
    }
}

@Suite struct SessionTests {
    @Test func expressionsShowTheirValuesAndStatementsDoNot() {
        let s = QuietSession()
        #expect(s.run("1 + 1").result == "2")
        #expect(s.run("1 + 1").kind == .expression)
        let statement = s.run("x = 3")
        #expect(statement.kind == .statement && statement.result == nil)
        #expect(s.run("x, 'a', nil").result == "3, \"a\", nil")
        #expect(s.run("print(x)").result == nil)  // a call with no values shows nothing
    }

    @Test func aTrailingSemicolonSilencesButKeepsUnderscore() {
        let s = QuietSession()
        let silenced = s.run("40 + 2;")
        #expect(silenced.kind == .silenced && silenced.result == nil && silenced.status == .ok)
        #expect(s.run("_").result == "42")
    }

    @Test func underscoreAndOutKeepEarlierValues() {
        let s = QuietSession()
        s.run("10")
        s.run("_ * 2")
        #expect(s.run("Out[1] + Out[2]").result == "30")
    }

    @Test func outDoesNotPinValues() {
        let s = QuietSession()
        s.run("setmetatable({}, {__gc = function() collected = true end})")  // shown once, then dropped
        s.run("1")  // `_` moves on
        s.run("collectgarbage() collectgarbage()")
        #expect(s.run("collected").result == "true")
    }

    @Test func topLevelLocalsStayVisible() {
        let s = QuietSession()
        s.run("local a, b = 1, 2\nlocal c <const> = 'k'")
        #expect(s.run("a + b").result == "3")
        s.run("do local hidden = 1 end")
        #expect(s.run("hidden").result == "nil")
    }

    @Test func cellsEndingInReturnStillRun() {
        let s = QuietSession()
        let record = s.run("local z = 5\nreturn z")
        #expect(record.status == .ok)
    }

    @Test func errorsNameTheCellAndLine() {
        let s = QuietSession()
        s.run("x = 1")
        let record = s.run("local y = 1\ny = y + nil")
        #expect(record.status == .error)
        #expect(record.error == "[2]:2: attempt to perform arithmetic on a nil value")
        let syntax = s.run("x = = 2")
        #expect(syntax.status == .error && syntax.error?.hasPrefix("[3]:1:") == true)
    }

    @Test func tracebacksShowOnlyWhenTheyHelp() {
        let s = QuietSession()
        let record = s.run("local function inner() error('deep') end\nlocal function outer() inner() end\nouter()")
        #expect(record.error?.contains("stack traceback:") == true)
        #expect(record.error?.contains("[1]:1: in ") == true)  // the frame of inner
        #expect(record.error?.contains("[C]: in ?") == false)
    }

    @Test(arguments: [
        "error({code = 1})", "error()", "error(setmetatable({}, {__tostring = function() error('x') end}))",
        "local function f() return f() + 1 end f()", "string.rep('x', -1):foo()",
        "setmetatable({}, {__index = function(t, k) return t[k] end}).x",
    ])
    func badCellsFailCleanlyAndTheSessionGoesOn(source: String) {
        let s = QuietSession()
        s.run("kept = 7")
        let record = s.run(source)
        #expect(record.status == .error)
        #expect(record.error?.isEmpty == false)
        #expect(s.run("kept").result == "7")
    }

    @Test func printedOutputIsCapturedPerCell() {
        let s = QuietSession()
        let record = s.run("print('a', 1) io.write('b') print()")
        #expect(record.output == "a\t1\nb\n")
        #expect(s.run("2").output == "")
    }

    @Test func hugeOutputIsShownButTheCaptureIsBounded() {
        let s = QuietSession()
        let record = s.run("for i = 1, 200000 do print(string.rep('x', 20)) end")
        #expect(record.status == .ok)
        #expect(record.output.utf8.count < 1_100_000)
        #expect(record.output.hasSuffix("[output truncated: more than 1048576 bytes]\n"))
        #expect(s.sink.text.utf8.count == 200_000 * 21)
    }

    @Test func incompleteInputIsRecognised() {
        let s = QuietSession()
        #expect(s.session.isIncomplete("for i = 1, 2 do"))
        #expect(s.session.isIncomplete("x = {"))
        #expect(s.session.isIncomplete("s = [[abc"))
        #expect(!s.session.isIncomplete("for i = 1, 2 do end"))
        #expect(!s.session.isIncomplete("x = = 1"))  // a real error, not more input
    }

    @Test func resetRemovesUserGlobalsAndForgetsCells() {
        let s = QuietSession()
        s.run("mine = 1")
        s.run("print = nil")
        #expect(s.session.userGlobals().map(\.name) == ["mine"])
        s.session.reset()
        #expect(s.session.userGlobals().isEmpty)
        #expect(s.session.cells.isEmpty)
        #expect(s.run("type(print)").result == "\"function\"")
    }

    @Test func strictGlobalsNeverRaiseFromSwift() {
        let s = QuietSession()
        s.run(
            "setmetatable(_G, {__newindex = function(_, k) error('undeclared ' .. k, 2) end, __index = function(_, k) error('undefined ' .. k, 2) end})"
        )
        #expect(s.run("1 + 1").result == "2")  // `_` and `Out` are written raw
        #expect(s.run("_").result == "2")
        let undeclared = s.run("local a = 1")
        #expect(undeclared.status == .error && undeclared.error?.contains("undeclared a") == true)
        #expect(s.session.userGlobals().isEmpty)
    }

    @Test func aUsersDebugHookSurvivesTheCell() {
        let s = QuietSession()
        s.run("hits = 0 debug.sethook(function() hits = hits + 1 end, '', 1000)")
        #expect(s.run("debug.gethook() ~= nil").result == "true")
    }

    @Test func requireEmberReturnsTheLibraries() {
        let s = QuietSession()
        #expect(s.run("type(require('ember'))").result == "\"table\"")
        #expect(s.run("require('ember') == require('ember')").result == "true")
    }
}
