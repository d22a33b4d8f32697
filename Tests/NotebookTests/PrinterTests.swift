import Notebook
import Testing

@Suite struct PrinterTests {
    @Test(arguments: [
        ("{}", "{}"),
        ("{1, 2, 3}", "{1, 2, 3}"),
        ("{b = 2, a = 1, [10] = 'x', ['two words'] = true}", "{a = 1, b = 2, [\"two words\"] = true, [10] = \"x\"}"),
        ("'line\\nbreak \"q\"'", "\"line\\nbreak \\\"q\\\"\""),
        ("1.5, 2^53, 1/0", "1.5, 9.007199254741e+15, inf"),
        ("{{{{{1}}}}}", "{{{{{…}}}}}"),
        ("print", "function: builtin"),
        ("'\\1' .. '2'", "\"\\0012\""),
    ])
    func values(source: String, expected: String) {
        #expect(QuietSession().run(source).result == expected)
    }

    @Test func cyclesAreMarked() {
        let s = QuietSession()
        s.run("t = {name = 'loop'} t.self = t")
        #expect(s.run("t").result == "{name = \"loop\", self = <cycle>}")
    }

    @Test func metamethodsOtherThanTostringNeverRun() {
        let s = QuietSession()
        s.run(
            """
            calls = 0
            local mt = {__index = function() calls = calls + 1 end, __len = function() calls = calls + 1 return 1 end,
                        __pairs = function() calls = calls + 1 return next, {} end}
            p = setmetatable({1, k = 2}, mt)
            """)
        #expect(s.run("p").result == "{1, k = 2}")
        #expect(s.run("calls").result == "0")
    }

    @Test func tostringIsUsedAndItsErrorsAreShown() {
        let s = QuietSession()
        #expect(s.run("setmetatable({}, {__tostring = function() return 'Custom' end})").result == "Custom")
        let failing = s.run("setmetatable({}, {__tostring = function() error('bad') end})")
        #expect(failing.status == .ok)
        #expect(failing.result?.hasPrefix("<__tostring failed:") == true)
    }

    /// A multi-line value (a tensor's display) inside a table keeps its lines under its key.
    @Test func multiLineValuesStayIndentedInTables() {
        let s = QuietSession()
        s.run("m = setmetatable({}, {__tostring = function() return 'Matrix\\n[[1, 2],\\n [3, 4]]' end})")
        #expect(
            s.run("{a = m, b = {c = m}}").result == """
                {
                  a = Matrix
                  [[1, 2],
                   [3, 4]],
                  b = {
                    c = Matrix
                    [[1, 2],
                     [3, 4]]
                  }
                }
                """)
    }

    @Test func bigTablesAreCut() {
        let s = QuietSession()
        let result = s.run("local t = {} for i = 1, 1000 do t[i] = i end return t").result
        #expect(result?.contains("… (960 more)") == true)
        let long = s.run("string.rep('a', 5000)").result
        #expect(long?.hasSuffix("… (5000 bytes)") == true)
    }

    @Test func functionsShowWhereTheyWereDefined() {
        let s = QuietSession()
        s.run("\nfunction g() end")
        #expect(s.run("g").result == "function: [1]:2")
    }
}
