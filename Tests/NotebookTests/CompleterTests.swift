import Lua
import Notebook
import Testing

@Suite struct CompleterTests {
    private func completer(_ setup: String) -> Completer {
        let s = QuietSession()
        s.run(setup)
        return Completer(lua: s.session.lua, magics: ["help", "history", "save"])
    }

    @Test func globalsFieldsAndKeywords() {
        let c = completer("myTable = {alpha = 1, beta = {}, go = print}")
        #expect(c.complete("myT", after: "") == ["myTable."])
        #expect(c.complete("myTable.", after: "x = ") == ["myTable.alpha", "myTable.beta.", "myTable.go("])
        #expect(c.complete("string.up", after: "") == ["string.upper("])
        #expect(c.complete("whi", after: "") == ["while"])
    }

    @Test func methodsAfterAColonFollowIndexTables() {
        let c = completer(
            """
            Class = {} Class.__index = Class
            function Class.speak() end
            obj = setmetatable({name = 'x'}, Class)
            s = 'text'
            """)
        #expect(c.complete("obj:sp", after: "") == ["obj:speak("])
        #expect(c.complete("obj.", after: "").contains("obj.name"))
        #expect(c.complete("s:up", after: "") == ["s:upper("])
    }

    @Test func nothingRunsWhileCompleting() {
        let s = QuietSession()
        s.run("ran = false lazy = setmetatable({}, {__index = function() ran = true return {} end})")
        let c = Completer(lua: s.session.lua, magics: [])
        #expect(c.complete("lazy.x.", after: "").isEmpty)
        #expect(s.run("ran").result == "false")
    }

    @Test func magicsAfterPercent() {
        let c = completer("")
        #expect(c.complete("h", after: "%") == ["help", "history"])
    }
}

/// An object type registered the way Ember libraries register theirs.
final class Probe {
    var reading = 1.5
}

@Suite struct ObjectCompletionTests {
    @Test func methodsAndPropertiesOfEmberObjects() {
        let s = QuietSession()
        let type = s.session.lua.userType(Probe.self, name: "Probe", summary: "A probe.")
        type.method("measure", "p:measure() -> number", "Measures.") { probe, call in call.push(probe.reading) }
        type.method("reset", "p:reset()", "Resets.") { _, _ in 0 }
        type.property("reading", "p.reading", "The last reading.") { probe, call in call.push(probe.reading) }
        s.session.lua.function("probe", "probe() -> Probe", "A new probe.") { call in try call.push(object: Probe()) }
        s.run("p = probe()")
        let completer = Completer(lua: s.session.lua, magics: [])
        #expect(completer.complete("p:", after: "") == ["p:measure(", "p:reset("])
        #expect(completer.complete("p.rea", after: "") == ["p.reading"])
        #expect(s.run("p:measure() + p.reading").result == "3.0")
    }
}
