import Lua
import Testing

extension LuaTargetTests {
    /// The APIs a notebook runs cells and inspects values with: compiled functions held by Swift,
    /// raw reads that never run user code, and bounded snapshots for display.
    @Suite struct LuaInspectionTests {
        @Test func compiledFunctionsRunAgainAndKeepTheirResultsAsTheyAre() throws {
            let lua = LuaState()
            let counter = try lua.compile("n = (n or 0) + 1 return {n = n}, n", chunkName: "=[1]")
            try lua.run(counter)
            let results = try lua.callKeepingResults(counter)
            #expect(results.count == 2)
            lua.setGlobal("kept", results[0])  // the same table, not a copy
            try lua.execute("kept.n = 10", chunkName: "=t")
            #expect(
                lua.rawLookup("n", in: results[0]).map { lua.snapshot(of: $0, maximumDepth: 1, maximumEntries: 1) }
                    == .text("10"))
            #expect(throws: LuaError.self) { try lua.compile("x = = 1", chunkName: "=[2]") }
        }

        @Test func theLocalsCaptureCopiesACellsLocalsIntoTheGlobals() throws {
            let lua = LuaState()
            let cell = try lua.compile("local a, b = 1, 'two'\n;(...)()", chunkName: "=[1]")
            _ = try lua.callKeepingResults(cell, arguments: [LuaLocalsCapture()])
            #expect(lua.global("a").integer == 1 && lua.global("b").string == "two")
        }

        @Test func lookupsFollowIndexTablesButRunNothing() throws {
            let lua = LuaState()
            try lua.execute(
                """
                ran = false
                Base = {speak = function() end, kind = 'base'}
                obj = setmetatable({name = 'x'}, {__index = Base, __newindex = function() ran = true end})
                lazy = setmetatable({}, {__index = function() ran = true return 1 end, __name = 'Lazy'})
                """, chunkName: "=setup")
            let globals = lua.globalsTable
            let obj = try #require(lua.rawLookup("obj", in: globals))
            #expect(lua.rawLookup("kind", in: obj) != nil && lua.rawField("kind", of: obj) == nil)
            let names = Set(lua.members(of: obj).map { "\($0.name):\($0.type.name)" })
            #expect(names == ["name:string", "speak:function", "kind:string"])
            let lazy = try #require(lua.rawLookup("lazy", in: globals))
            #expect(lua.rawLookup("anything", in: lazy) == nil && lua.metatableName(of: lazy) == "Lazy")
            lua.rawSet(try #require(lua.rawLookup("Base", in: globals)), at: 1, in: obj)
            guard case .boolean(false) = lua.global("ran") else {
                Issue.record("a metamethod ran")
                return
            }
            #expect(Set(lua.rawEntries(of: obj).map(\.key)) == ["name"])  // string keys only
            #expect(lua.type(of: obj) == .table && lua.type(of: globals) == .table)
        }

        @Test func snapshotsAreBoundedAndMarkCycles() throws {
            let lua = LuaState()
            let values = try lua.callKeepingResults(
                lua.compile(
                    """
                    local t = {1, 2, 3, name = 'loop', deep = {{{}}}}
                    t.self = t
                    return t, setmetatable({}, {__tostring = function() error('bad') end}), print
                    """, chunkName: "=[1]"))
            guard case .table(let entries, let more) = lua.snapshot(of: values[0], maximumDepth: 2, maximumEntries: 5)
            else {
                Issue.record("not a table")
                return
            }
            #expect(more == 1)  // 3 sequence entries + 2 of the 3 keyed ones
            #expect(entries.prefix(3).map(\.value) == [.text("1"), .text("2"), .text("3")])
            let keyed = Dictionary(
                uniqueKeysWithValues: entries.dropFirst(3).compactMap { entry -> (String, LuaSnapshot)? in
                    guard case .string(let key)? = entry.key else { return nil }
                    return (key, entry.value)
                })
            for (key, value) in keyed {
                switch key {
                case "name": #expect(value == .string("loop"))
                case "self": #expect(value == .cycle)
                case "deep":
                    guard case .table(let inner, 0) = value else { Issue.record("deep: \(value)"); continue }
                    #expect(inner.map(\.key) == [nil] && inner.map(\.value) == [.elided(isEmpty: false)])
                default: Issue.record("unexpected key \(key)")
                }
            }
            guard case .text(let failed) = lua.snapshot(of: values[1], maximumDepth: 1, maximumEntries: 1) else {
                Issue.record("not text")
                return
            }
            #expect(failed.hasPrefix("<__tostring failed: [1]:3: bad"))
            #expect(lua.snapshot(of: values[2], maximumDepth: 1, maximumEntries: 1) == .text("function: builtin"))
        }
    }
}
