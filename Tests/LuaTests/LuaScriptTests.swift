import Foundation
import Lua
import Testing

/// The assert-style scripts in Tests/lua, each run in a fresh state with the test library.
private let scriptDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lua")

/// Scripts named after an Ember library (`tensor*.lua`, `text*.lua`, …) need the libraries and
/// are run by LuaBindingsTests instead.
private let libraryPrefixes = ["tensor", "text", "nn", "data", "optim", "train", "plot"]

private let scripts = ((try? FileManager.default.contentsOfDirectory(atPath: scriptDirectory.path)) ?? [])
    .filter { name in name.hasSuffix(".lua") && !libraryPrefixes.contains { name.hasPrefix($0) } }.sorted()

extension LuaTargetTests {
    @Suite struct LuaScriptTests {
        @Test func scriptsExist() {
            #expect(scripts.count >= 2)
        }

        @Test(arguments: scripts)
        func script(_ name: String) throws {
            let fixture = Fixture()
            let source = try String(contentsOf: scriptDirectory.appendingPathComponent(name), encoding: .utf8)
            do {
                try fixture.lua.evaluate(source, chunkName: "@\(name)")
            } catch let error as LuaError {
                Issue.record("\(error.message)\n\(error.traceback)")
            }
            #expect(fixture.output.hasSuffix("\(name) ok\n"))
        }
    }
}
