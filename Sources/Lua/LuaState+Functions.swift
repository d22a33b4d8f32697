import CLua
import CLuaShim

/// Compiled chunks held by Swift and called again and again: what a notebook needs to run a
/// cell, keep its values for `_` and `Out[n]` as they are, and time a loop.
extension LuaState {
    /// The release of the Lua headers Ember was built with, e.g. `Lua 5.4.4`.
    public static var release: String { String(cString: ember_lua_release()) }

    /// Compiles `source` into a function held by Swift (binary chunks are refused).
    /// - Parameter chunkName: see ``load(_:chunkName:)``.
    /// - Throws: ``LuaError`` of kind `.syntax`; its message ends in `<eof>` when the chunk is
    ///   unfinished.
    public func compile(_ source: String, chunkName: String) throws -> LuaRef {
        let top = lua_gettop(pointer)
        defer { lua_settop(pointer, top) }
        try load(source, chunkName: chunkName)
        return LuaRef(anchoring: -1, on: LuaCall(pointer, lua: self, name: chunkName))
    }

    /// Calls `function` as ``protectedCall(arguments:results:)`` does (traceback handler, Ctrl-C
    /// armed) and hands its results back unconverted, as references, so Swift can store them
    /// in Lua again exactly as they were (a tensor stays the same userdata, a table the same
    /// table).
    /// - Throws: ``LuaError``; its kind is `.interrupted` when an interrupt stopped the code.
    public func callKeepingResults(_ function: LuaRef, arguments: [any LuaPushable] = []) throws -> [LuaRef] {
        let top = lua_gettop(pointer)
        defer { lua_settop(pointer, top) }
        let call = LuaCall(pointer, lua: self, name: "?")
        function.push(onto: call)
        for argument in arguments { argument.push(onto: call) }
        try protectedCall(arguments: arguments.count, results: Int(LUA_MULTRET))
        return (top + 1..<lua_gettop(pointer) + 1).map { LuaRef(anchoring: Int($0), on: call) }
    }

    /// Calls `function` with no arguments and drops its results (a timing loop).
    /// - Throws: ``LuaError``.
    public func run(_ function: LuaRef) throws {
        function.push(onto: LuaCall(pointer, lua: self, name: "?"))
        try protectedCall(arguments: 0, results: 0)
    }
}

/// The C function that a notebook cell calls last: it copies the calling chunk's active locals
/// into the globals, so the `local`s of one cell stay visible to the next (LUA.md 3.7). Pass it
/// as the argument of a chunk that ends in `(...)()`.
public struct LuaLocalsCapture: LuaPushable {
    public init() {}

    public func push(onto call: LuaCall) { lua_pushcclosure(call.pointer, ember_capture_locals, 0) }
}
