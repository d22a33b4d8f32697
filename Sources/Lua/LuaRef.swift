import CLua
import CLuaShim
import Synchronization

/// A Lua value (usually a callback function) held by Swift through a registry reference.
///
/// The value stays alive while the `LuaRef` does; when the last Swift reference goes away the
/// registry slot is released (`luaL_unref`) the next time the state is entered from Swift, so a
/// `LuaRef` may be dropped on any thread. Call it with ``LuaCall/call(_:arguments:)`` inside a
/// Swift function, or ``LuaState/call(_:arguments:)`` from the host.
public final class LuaRef {
    let reference: Int32
    private let queue: UnrefQueue

    /// Anchors the value at `position` of the call's stack.
    init(anchoring position: Int, on call: LuaCall) {
        lua_pushvalue(call.pointer, Int32(position))
        reference = luaL_ref(call.pointer, ember_registry_index())
        queue = call.lua.pendingUnrefs
    }

    deinit {
        queue.add(reference)
    }
}

extension LuaRef: LuaPushable {
    /// Pushes the referenced value.
    public func push(onto call: LuaCall) {
        lua_rawgeti(call.pointer, ember_registry_index(), lua_Integer(reference))
    }
}

/// Registry references whose `LuaRef` died, waiting to be released on the Lua thread.
final class UnrefQueue: Sendable {
    private let references = Mutex<[Int32]>([])

    func add(_ reference: Int32) {
        references.withLock { $0.append(reference) }
    }

    func take() -> [Int32] {
        references.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}

extension LuaCall {
    /// Calls a Lua function from inside a Swift function (on the running thread), under
    /// `lua_pcall` with a traceback handler.
    /// - Parameters:
    ///   - function: the function to call.
    ///   - arguments: pushes the arguments and returns how many it pushed.
    /// - Returns: the function's results, converted raw.
    /// - Throws: ``LuaError`` when the function raises; rethrowing it from the Swift function
    ///   passes the original message on to Lua.
    public func call(
        _ function: LuaRef, arguments: (LuaCall) throws -> Int = { _ in 0 }
    ) throws -> [LuaValue] {
        guard lua_checkstack(pointer, 20) != 0 else {
            throw LuaError(kind: .memory, message: "stack overflow calling a Lua function")
        }
        let top = lua_gettop(pointer)
        function.push(onto: self)
        let count: Int
        do {
            count = try arguments(self)
        } catch {
            lua_settop(pointer, top)
            throw error
        }
        try lua.protectedCall(on: pointer, arguments: count, results: Int(LUA_MULTRET))
        defer { lua_settop(pointer, top) }
        return (top + 1..<lua_gettop(pointer) + 1).map { value(at: Int($0)) }
    }
}

extension LuaState {
    /// Calls a Lua function from the host (outside any Swift function called by Lua).
    /// See ``LuaCall/call(_:arguments:)``.
    public func call(
        _ function: LuaRef, arguments: (LuaCall) throws -> Int = { _ in 0 }
    ) throws -> [LuaValue] {
        try LuaCall(pointer, lua: self, name: "?").call(function, arguments: arguments)
    }
}
