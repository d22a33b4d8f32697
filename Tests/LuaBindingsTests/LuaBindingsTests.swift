// Tests of the LuaBindings target: the library scripts in Tests/lua, run with every Ember
// library installed, and the Swift-side contracts (docs, memory) seen through a LuaState.
import Foundation
import Lua
import TensorCore
import LuaBindings
import TestSupport
import Testing

/// A Lua state with the Ember libraries, collecting what it prints. The globals `fixtures` (the
/// path of Tests/Fixtures) and `scratch` (a fresh temporary folder) are set for the scripts.
final class EmberFixture {
    private final class Sink: @unchecked Sendable { var text = "" }
    private let sink = Sink()
    let lua: LuaState
    var output: String { sink.text }

    init() throws {
        let sink = self.sink
        lua = LuaState(output: LuaOutput { sink.text += $0 })
        EmberLibraries.install(into: lua)
        lua.setGlobal("fixtures", Fixtures.path(""))
        lua.setGlobal("scratch", try Fixtures.temporaryDirectory("luabindings"))
    }

    /// Runs `source` holding the interrupt lock (see ``InterruptLock``).
    @discardableResult
    func run(_ source: String, chunkName: String = "=[1]") throws -> [LuaValue] {
        try InterruptLock.shared.withLock { try lua.evaluate(source, chunkName: chunkName) }
    }

    /// The message of the error `source` raises, or nil when it runs.
    func error(_ source: String) -> String? {
        do {
            try run(source)
            return nil
        } catch let error as LuaError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}

/// The scripts named after a library (`tensor*.lua`, `text*.lua`, `data*.lua`, `train*.lua`,
/// `nn*.lua`); Tests/LuaTests runs the rest.
private let scriptDirectory = URL(fileURLWithPath: Fixtures.root + "/Tests/lua")
private let libraryPrefixes = ["tensor", "text", "data", "train", "nn"]
private let scripts = ((try? FileManager.default.contentsOfDirectory(atPath: scriptDirectory.path)) ?? [])
    .filter { name in name.hasSuffix(".lua") && libraryPrefixes.contains { name.hasPrefix($0) } }.sorted()

@Suite struct LuaScriptTests {
    @Test func scriptsExist() {
        #expect(scripts.count >= 5)
    }

    /// Each script asserts as it goes and prints `<name> ok` at its end.
    @Test(arguments: scripts)
    func script(_ name: String) throws {
        let fixture = try EmberFixture()
        let source = try String(contentsOf: scriptDirectory.appendingPathComponent(name), encoding: .utf8)
        do {
            try fixture.run(source, chunkName: "@\(name)")
        } catch let error as LuaError {
            Issue.record("\(error.message)\n\(error.traceback)")
        }
        #expect(fixture.output.hasSuffix("\(name) ok\n"))
    }
}

@Suite struct TensorMemoryTests {
    /// Loops that drop big tensors keep memory flat: the collector hears of tensor memory.
    /// Without that, each loop below would hold its 8 GB until Lua's heap (a few bytes per
    /// tensor) happened to trigger a collection.
    @Test(arguments: [
        "for i = 1, 2000 do local x = tensor.zeros(1000, 1000) end",  // dies young
        "for i = 1, 2000 do x = (x or tensor.zeros(1000, 1000)) + 1 end x = nil",  // lives one step
    ])
    func peakLiveTensorMemoryStaysBounded(loop: String) throws {
        let fixture = try EmberFixture()
        let before = MemoryStats.liveBytes
        MemoryStats.resetPeak()
        try fixture.run(loop)
        let peak = MemoryStats.peak - before
        // The floor of forced full collections is 256 MB; other tests may allocate meanwhile.
        #expect(peak < 1_500_000_000, "peak \(peak >> 20) MB above the start")
        fixture.lua.collectGarbage()
    }

    /// `__gc` and `__close` release the tensor's memory.
    @Test func closeAndCollectionReleaseStorage() throws {
        let fixture = try EmberFixture()
        try fixture.run("big = tensor.zeros(4096, 4096)")  // 64 MB
        let held = MemoryStats.liveBytes
        try fixture.run("big = nil; collectgarbage()")
        #expect(MemoryStats.liveBytes < held - 60_000_000 || MemoryStats.liveBytes < held)
        try fixture.run("do local t <close> = tensor.zeros(4096, 4096) end")
        let message = fixture.error("local keep; do local t <close> = tensor.zeros(2); keep = t end; return keep:sum()")
        #expect(message == "[1]:1: calling 'Tensor:sum' on bad self (Tensor is closed)")
    }
}

@Suite struct TensorDocsTests {
    /// Every function and method has a signature and a summary, for `?name` and `%help`.
    @Test func everythingIsDocumented() throws {
        let fixture = try EmberFixture()
        let names = try fixture.run(
            """
            local names = {}
            for _, object in ipairs({tensor(1), text.tokenizer(fixtures .. "text/minilm")}) do
                local mt = getmetatable(object)
                for name in pairs(mt.__methods) do names[#names + 1] = mt.__name .. ":" .. name end
            end
            for _, library in ipairs({"tensor", "text"}) do
                for name in pairs(_G[library]) do names[#names + 1] = library .. "." .. name end
            end
            return names
            """)
        guard case .table(let list) = names.first else {
            Issue.record("no names")
            return
        }
        #expect(list.array.count > 80)
        for case .string(let name) in list.array {
            let doc = fixture.lua.docs.lookup(name)
            #expect(doc != nil, "\(name) has no doc")
            #expect(!(doc?.summary.isEmpty ?? true) && !(doc?.signature.isEmpty ?? true), "\(name)")
        }
        #expect(fixture.lua.docs.lookup("Tensor[]") != nil)
        #expect(fixture.lua.docs.lookup("Tensor.grad") != nil)
        #expect(fixture.lua.docs.lookup("tensor()") != nil)
        #expect(fixture.lua.docs.lookup("tensor.no_grad")?.signature == "tensor.no_grad(fn, ...) -> ...")
    }
}
