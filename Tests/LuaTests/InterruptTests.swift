import Lua
import TestSupport
import Testing

/// Tests that raise an interrupt. Ctrl-C is process-wide, so scripts/test runs every
/// `InterruptTests` suite in a second `swift test` pass, apart from the tests it could hit.
@Suite struct InterruptTests {
    @Test func nativeCodeStoppedByTheFlagRaisesTheInterruptedError() {
        let fixture = Fixture()
        InterruptLock.shared.withLock {
            LuaInterrupts.clear()
            #expect {
                try fixture.lua.evaluate("local ok = pcall(counter.kernel)", chunkName: "=[4]")
            } throws: { error in
                let error = error as? LuaError
                return error?.kind == .interrupted && error?.message == "[4]:1: interrupted"
            }
            LuaInterrupts.clear()
        }
        #expect((try? fixture.lua.evaluate("return 1")[0].integer) == 1)
    }
}
