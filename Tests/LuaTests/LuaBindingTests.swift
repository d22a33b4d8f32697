import Lua
import TestSupport
import Testing

/// Runs `source` in a fresh fixture and returns the error message it raises.
private func errorMessage(_ source: String) -> String? {
    let fixture = Fixture()
    do {
        try fixture.lua.evaluate(source, chunkName: "=[1]")
        return nil
    } catch let error as LuaError {
        return error.message
    } catch {
        return "\(error)"
    }
}

extension LuaTargetTests {
    @Suite struct LuaBindingTests {
        @Test(arguments: [
            ("counter.sum('a', 2)", "[1]:1: bad argument #1 to 'counter.sum' (number expected, got string)"),
            ("counter.sum(1)", "[1]:1: bad argument #2 to 'counter.sum' (number expected, got no value)"),
            ("counter.new(1.5)", "[1]:1: bad argument #1 to 'counter.new' (number has no integer representation)"),
            ("counter.new(1, 2)", "[1]:1: bad argument #2 to 'counter.new' (no value expected, got number)"),
            (
                "counter.sum(1, 2, {scael = 2})",
                "[1]:1: bad argument #3 to 'counter.sum' (unknown option 'scael'; valid options: offset, scale)"
            ),
            (
                "counter.sum(1, 2, {scale = 'x'})",
                "[1]:1: bad argument #3 to 'counter.sum' (option 'scale': number expected, got string)"
            ),
            ("counter.sum(1, 2, 5)", "[1]:1: bad argument #3 to 'counter.sum' (options table expected, got number)"),
            ("counter.new():add('x')", "[1]:1: bad argument #1 to 'Counter:add' (number expected, got string)"),
            (
                "local c = counter.new(); c.add(c, 'x')",
                "[1]:1: bad argument #2 to 'Counter:add' (number expected, got string)"
            ),
            (
                "local c = counter.new(); c.add(gauge(), 1)",
                "[1]:1: bad argument #1 to 'Counter:add' (Counter expected, got Gauge)"
            ),
            (
                "local c = counter.new(); local g = gauge(); g.level(c)",
                "[1]:1: bad argument #1 to 'Gauge:level' (Gauge expected, got Counter)"
            ),
            (
                "local c = counter.new(); c.add({}, 1)",
                "[1]:1: bad argument #1 to 'Counter:add' (Counter expected, got table)"
            ),
            ("counter.fail()", "[1]:1: native failure"),
            ("counter.new().x = 1", "[1]:1: Counter has no settable field 'x'"),
            (
                "return counter.new() + 'a'",
                "[1]:1: bad argument #2 to 'Counter.__add' (Counter or number expected, got string)"
            ),
            ("counter.apply(function(x) error('inner ' .. x) end, 3)", "[1]:1: inner 3"),
        ])
        func argumentErrorsNameFunctionPositionAndExpectation(source: String, message: String) {
            #expect(errorMessage(source) == message)
        }

        /// Two files can add functions to one library table (`plot.frames`, `plot.line`).
        @Test func askingForALibraryAgainExtendsIt() throws {
            let fixture = Fixture()
            let first = fixture.lua.library("shapes", summary: "Shapes.")
            first.function("square", "shapes.square(x)", "x squared.") { call in
                call.push(try call.number(at: 1) * call.number(at: 1))
            }
            let second = fixture.lua.library("shapes", summary: "Other summary.")
            second.function("cube", "shapes.cube(x)", "x cubed.") { call in
                let x = try call.number(at: 1); return call.push(x * x * x)
            }
            #expect(first === second)
            #expect(try fixture.lua.evaluate("return shapes.square(3) + shapes.cube(2)")[0].integer == 17)
            #expect(fixture.lua.libraryNames.filter { $0 == "shapes" }.count == 1)
        }

        @Test func methodsPropertiesAndMetamethods() throws {
            let fixture = Fixture()
            let values = try fixture.lua.evaluate(
                """
                local c = counter.new(2)
                c:add(3):add(1)
                local d = counter.new(6)
                c.value = c.value + 1
                return c:get(), #c, c + 1, 1 + c, c(2), c == d, tostring(c), c .. '!', c.missing, counter.new(7) == d
                """)
            #expect(values.map { $0.number ?? -1 }.prefix(5) == [7, 7, 8, 8, 14])
            guard case .boolean(let equal) = values[5], case .boolean(let equal2) = values[9] else {
                Issue.record("expected booleans")
                return
            }
            #expect(equal == false)
            #expect(equal2 == false)
            #expect(values[6].string == "Counter(7)")
            #expect(values[7].string == "Counter(7)!")
            #expect(values[8].typeName == "nil")
        }

        @Test func closeReleasesTheObjectAndLaterUseIsAnError() {
            let message = errorMessage(
                """
                local keep
                do
                    local c <close> = counter.new(1)
                    keep = c
                end
                return keep:get()
                """)
            #expect(message == "[1]:6: calling 'Counter:get' on bad self (Counter is closed)")
        }

        @Test func elementsTakeKeysThatAreNotNames() throws {
            let fixture = Fixture()
            let values = try fixture.lua.evaluate(
                """
                local c = counter.new(3)
                local read = c[2]
                c[4] = 5
                return read, c.value, c:get(), c.missing
                """)
            #expect(values.prefix(3).map { $0.integer } == [6, 20, 20])
            #expect(values[3].typeName == "nil")
            #expect(
                errorMessage("local c = counter.new(1); return c[{}]")
                    == "[1]:1: bad argument #2 to 'Counter.__index' (number expected, got table)")
            #expect(
                errorMessage("local c = counter.new(1); c.nope = 1") == "[1]:1: Counter has no settable field 'nope'")
            #expect(errorMessage("return #counter.new(-1)") == "[1]:1: negative counter has no length")
            #expect(fixture.lua.docs.lookup("Counter[]")?.signature == "c[k]")
        }

        @Test func optionsAreRead() throws {
            let fixture = Fixture()
            #expect(try fixture.lua.evaluate("return counter.sum(1, 2, {scale = 2})")[0].number == 6)
            #expect(try fixture.lua.evaluate("return counter.sum(1, 2, nil)")[0].number == 3)
        }

        @Test func swiftCallsLuaCallbacks() throws {
            let fixture = Fixture()
            #expect(try fixture.lua.evaluate("return counter.apply(function(x) return x * 10 end, 4)")[0].number == 40)
        }

        @Test func registeredFunctionsAreDocumented() {
            let fixture = Fixture()
            #expect(fixture.lua.docs.lookup("counter.sum")?.signature == "counter.sum(a, b[, {scale=}]) -> number")
            #expect(fixture.lua.docs.lookup("Counter:add")?.summary == "Adds n.")
            #expect(fixture.lua.docs.lookup("Counter.value") != nil)
            #expect(fixture.lua.docs.entries(withPrefix: "counter.").count == 7)
            #expect(fixture.lua.libraryNames == ["counter"])
        }

        @Test func objectsAreReleasedWhenCollected() throws {
            let fixture = Fixture()
            weak var weakCounter: Counter?
            try fixture.lua.evaluate("c = counter.new(5)")
            if case .object(let object) = fixture.lua.global("c") { weakCounter = object as? Counter }
            #expect(weakCounter != nil)
            try fixture.lua.evaluate("c = nil")
            fixture.lua.collectGarbage()
            #expect(weakCounter == nil)
        }

        @Test func nativeAllocationsDriveTheCollector() throws {
            let fixture = Fixture()
            // Garbage that Lua alone would think tiny: with the native bytes noted, collections
            // run during the loop and the counters are finalized well before the end.
            try fixture.lua.evaluate(
                """
                finalized = 0
                for i = 1, 200 do
                    setmetatable({}, {__gc = function() finalized = finalized + 1 end})
                    counter.allocate(8)
                end
                """)
            #expect((fixture.lua.global("finalized").integer ?? 0) > 100)
        }
    }
}
