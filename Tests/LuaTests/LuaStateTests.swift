import Lua
import Testing

extension LuaTargetTests {
    @Suite struct LuaStateTests {
        @Test func evaluatesExpressions() throws {
            let lua = LuaState()
            let values = try lua.evaluate("return 1 + 2, 'x', 2.5, {1, 2, k = true}")
            #expect(values.count == 4)
            #expect(values[0].integer == 3)
            #expect(values[1].string == "x")
            #expect(values[2].number == 2.5)
            guard case .table(let table) = values[3] else {
                Issue.record("expected a table")
                return
            }
            #expect(table.array.count == 2)
            #expect(table.fields.keys.sorted() == ["k"])
        }

        @Test func syntaxErrorsAreThrownWithTheChunkName() {
            let lua = LuaState()
            #expect {
                try lua.evaluate("x = = 1", chunkName: "=[7]")
            } throws: { error in
                let error = error as? LuaError
                return error?.kind == .syntax && error?.message.hasPrefix("[7]:1:") == true
            }
        }

        @Test func runtimeErrorsCarryATraceback() {
            let lua = LuaState()
            #expect {
                try lua.evaluate("local function f() error('boom') end\nf()", chunkName: "=[2]")
            } throws: { error in
                let error = error as? LuaError
                return error?.message == "[2]:1: boom" && error?.traceback.contains("in local 'f'") == true
            }
        }

        @Test(arguments: [
            ("error({})", "(error object is a table value)"),
            ("error(nil)", "(error object is a nil value)"),
            ("error(setmetatable({}, {__tostring = function() return 'custom' end}))", "custom"),
            ("error(42)", "42"),
        ])
        func nonStringErrorsAreDescribed(source: String, message: String) {
            let lua = LuaState()
            #expect {
                try lua.evaluate(source)
            } throws: { error in
                (error as? LuaError)?.message == message
            }
        }

        @Test func stackOverflowIsACleanError() throws {
            let lua = LuaState()
            #expect {
                try lua.evaluate("local function f() return 1 + f() end return f()")
            } throws: { error in
                (error as? LuaError)?.message.contains("stack overflow") == true
            }
            #expect(try lua.evaluate("return 1")[0].integer == 1)
        }

        @Test func printAndIoWriteGoToTheOutputSink() throws {
            let fixture = Fixture()
            try fixture.lua.evaluate("print(1, 'a', nil, 2.5) io.write('x', 3, 0.5, '\\n')")
            #expect(fixture.output == "1\ta\tnil\t2.5\nx30.5\n")
        }

        @Test func ioWriteToAFileStillWritesTheFile() throws {
            let fixture = Fixture()
            let path = "/tmp/ember-luatest-\(UInt32.random(in: 0...UInt32.max)).txt"
            try fixture.lua.evaluate(
                """
                local f = io.output('\(path)'); io.write('in file'); io.close(f); io.output(io.stdout)
                local g = io.open('\(path)'); local s = g:read('a'); g:close(); os.remove('\(path)')
                io.write(s)
                """)
            #expect(fixture.output == "in file")
        }

        @Test func statesAreFreedWithTheirObjects() throws {
            weak var weakState: LuaState?
            weak var weakCounter: Counter?
            do {
                let lua = LuaState(output: LuaOutput { _ in })
                Fixture.register(lua)
                try lua.evaluate("c = counter.new(1) keep = counter.apply(function(x) return x end, 2)")
                if case .object(let object) = lua.global("c") { weakCounter = object as? Counter }
                weakState = lua
            }
            #expect(weakState == nil)
            #expect(weakCounter == nil)
        }

        @Test func errorsInsideGcBecomeWarnings() throws {
            let fixture = Fixture()
            try fixture.lua.evaluate("setmetatable({}, {__gc = function() error('in gc') end}) collectgarbage()")
            #expect(fixture.output.contains("Lua warning: error in __gc"))
            #expect(try fixture.lua.evaluate("return 5")[0].integer == 5)
        }
    }
}
