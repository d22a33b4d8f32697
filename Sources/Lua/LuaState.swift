import CLua
import CLuaShim

/// The Lua 5.4 interpreter: owns one `lua_State` and everything registered in it.
///
/// Set-up follows `lua.c`: the collector is stopped while the standard libraries open, then
/// switched to generational mode; `luaL_checkversion` catches a header/library mismatch;
/// warnings go to ``output`` (an error inside a `__gc` metamethod arrives as a warning). Lua's
/// `print` and `io.write` (to standard output) are rebound to ``output`` with their usual
/// behaviour, so a host can capture what a chunk prints.
///
/// A `LuaState` is not thread-safe: use it from one thread at a time.
///
/// ```swift
/// let lua = LuaState()
/// let values = try lua.evaluate("return 1 + 2")   // [.integer(3)]
/// ```
public final class LuaState {
    /// The raw `lua_State *` of the main thread. Only this target touches it: everything else
    /// goes through Swift APIs (LuaInspection.swift, LuaSnapshot.swift and LuaState+Functions.swift
    /// for the notebook's needs).
    let pointer: OpaquePointer
    /// Where `print`, `io.write`, warnings and library output go.
    public let output: LuaOutput
    /// Signatures and one-line docs of everything registered through this state.
    public let docs = LuaDocs()

    /// Swift types registered as userdata: `ObjectIdentifier(T.self)` → metatable name.
    var typeNames: [ObjectIdentifier: String] = [:]
    /// Libraries registered with ``library(_:summary:)``, in order.
    var libraries: [LuaLibrary] = []
    /// Types registered with ``userType(_:name:summary:)`` (kept for their closures).
    var userTypes: [AnyObject] = []
    /// Registry refs whose owners died; released at the next entry from Swift.
    let pendingUnrefs = UnrefQueue()
    /// Nesting depth of ``protectedCall(arguments:results:)``, so only the outermost call
    /// arms and disarms the interrupt hook.
    private var callDepth = 0
    /// Native bytes noted since the collector was last told.
    private var nativeBytesPending = 0

    /// Creates a state with the standard libraries open.
    /// - Parameter output: the sink for printed output (standard output by default).
    public init(output: LuaOutput = LuaOutput()) {
        _ = Boundary.installed
        guard let L = luaL_newstate() else {
            fatalError("luaL_newstate: out of memory")
        }
        pointer = L
        self.output = output
        ember_set_owner(L, Unmanaged.passUnretained(self).toOpaque())
        ember_check_version(L)
        ember_gc_stop(L)
        luaL_openlibs(L)
        ember_track_coroutines(L)
        ember_gc_restart(L)
        ember_gc_generational(L)
        ember_route_warnings(L, Unmanaged.passUnretained(self).toOpaque())
        installOutputFunctions()
    }

    deinit {
        // Finalizers that run during lua_close must not reach this half-destroyed object.
        ember_route_warnings(pointer, nil)
        ember_set_owner(pointer, nil)
        lua_close(pointer)
    }

    /// The `LuaState` that owns `L` (any thread of it), or nil while it is closing.
    static func owner(of L: OpaquePointer) -> LuaState? {
        guard let raw = ember_get_owner(L) else { return nil }
        return Unmanaged<LuaState>.fromOpaque(raw).takeUnretainedValue()
    }

    // MARK: - Running code

    /// Compiles `source` and pushes the resulting function.
    /// - Parameters:
    ///   - source: Lua source text (binary chunks are refused).
    ///   - chunkName: the name errors and tracebacks use: `=[3]` shows as `[3]`, `@file.lua` as
    ///     `file.lua`.
    /// - Throws: ``LuaError`` of kind `.syntax` (nothing is pushed then).
    public func load(_ source: String, chunkName: String) throws {
        let status = source.utf8CString.withUnsafeBufferPointer { buffer in
            luaL_loadbufferx(pointer, buffer.baseAddress, buffer.count - 1, chunkName, "t")
        }
        if status != LUA_OK {
            let message = string(at: -1) ?? "(error object is not a string)"
            lua_settop(pointer, -2)
            throw LuaError(kind: LuaError.kind(ofStatus: status), message: message)
        }
    }

    /// Calls the function below the top `arguments` values under `lua_pcall` with the
    /// traceback handler; Ctrl-C is armed for the duration of the outermost call.
    /// - Parameters:
    ///   - arguments: how many arguments are on top of the function.
    ///   - results: how many results to keep, or `LUA_MULTRET` (-1) for all.
    /// - Throws: ``LuaError``; its kind is `.interrupted` when an interrupt stopped the code.
    public func protectedCall(arguments: Int, results: Int) throws {
        try protectedCall(on: pointer, arguments: arguments, results: results)
    }

    /// ``protectedCall(arguments:results:)`` on the thread `L` (a coroutine calling Swift).
    func protectedCall(on L: OpaquePointer, arguments: Int, results: Int) throws {
        drainUnrefs()
        let base = lua_gettop(L) - Int32(arguments)  // the function's slot
        lua_pushcclosure(L, ember_traceback, 0)
        ember_insert(L, base)
        callDepth += 1
        if callDepth == 1 { ember_interrupt_arm(L) }
        let status = ember_pcall(L, Int32(arguments), Int32(results), base)
        if callDepth == 1 { ember_interrupt_disarm(L) }
        callDepth -= 1
        ember_remove(L, base)
        if status != LUA_OK {
            let text =
                LuaCall(L, lua: self, name: "?").rawString(at: -1)
                ?? "(error object is not a string)"
            lua_settop(L, -2)
            var kind = LuaError.kind(ofStatus: status)
            if ember_interrupt_pending() != 0 { kind = .interrupted }
            throw LuaError(kind: kind, handlerOutput: text)
        }
    }

    /// Runs `source` as a chunk and returns its results converted to Swift values.
    /// - Parameters:
    ///   - source: the chunk; `return` its values to get them back.
    ///   - chunkName: see ``load(_:chunkName:)``.
    /// - Returns: the chunk's return values (tables converted raw, see ``LuaValue``).
    @discardableResult
    public func evaluate(_ source: String, chunkName: String = "=(string)") throws -> [LuaValue] {
        let top = lua_gettop(pointer)
        try load(source, chunkName: chunkName)
        try protectedCall(arguments: 0, results: Int(LUA_MULTRET))
        defer { lua_settop(pointer, top) }
        return (top + 1..<lua_gettop(pointer) + 1).map { value(at: $0) }
    }

    /// Loads and runs a chunk with string arguments (its `...`), discarding its results.
    /// - Throws: ``LuaError`` for a syntax or runtime error.
    public func execute(_ source: String, chunkName: String, arguments: [String] = []) throws {
        let top = lua_gettop(pointer)
        defer { lua_settop(pointer, top) }
        try load(source, chunkName: chunkName)
        let call = LuaCall(pointer, lua: self, name: chunkName)
        for argument in arguments { call.push(argument) }
        try protectedCall(arguments: arguments.count, results: 0)
    }

    // MARK: - Globals

    /// The names of the libraries registered with ``library(_:summary:)``, in order.
    public var libraryNames: [String] { libraries.map(\.name) }

    /// Sets the global `name` to `value`.
    public func setGlobal(_ name: String, _ value: some LuaPushable) {
        setGlobal(name) { value.push(onto: $0) }
    }

    /// Sets the global `name` to the one value `push` pushes. The write is raw, so a metatable
    /// on the globals table (strict mode) never runs from Swift.
    func setGlobal(_ name: String, pushing push: (LuaCall) -> Void) {
        lua_rawgeti(pointer, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
        lua_pushstring(pointer, name)
        push(LuaCall(pointer, lua: self, name: name))
        lua_rawset(pointer, -3)
        lua_settop(pointer, -2)
    }

    /// The global `name`, read raw from the globals table and converted.
    public func global(_ name: String) -> LuaValue {
        lua_rawgeti(pointer, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
        lua_pushstring(pointer, name)
        lua_rawget(pointer, -2)
        defer { lua_settop(pointer, -3) }
        return value(at: -1)
    }

    /// The string keys of the globals table, read raw.
    public func globalNames() -> [String] {
        let L = pointer
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_rawgeti(L, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
        var names: [String] = []
        lua_pushnil(L)
        while lua_next(L, top + 1) != 0 {
            if lua_type(L, -2) == LUA_TSTRING { names.append(LuaCall.rawText(L, -2)) }
            lua_settop(L, -2)
        }
        return names
    }

    // MARK: - Memory

    /// Tells the collector that Swift allocated `bytes` of native memory owned by Lua-visible
    /// objects (tensor storage), so that loops which allocate big tensors collect their garbage
    /// as if the memory were Lua's. Call it where the native buffer is allocated.
    public func noteNativeAllocation(bytes: Int) {
        nativeBytesPending += bytes
        // Batches of 1 MiB keep the step calls rare for small tensors.
        if nativeBytesPending >= 1 << 20 {
            ember_gc_step(pointer, Int32(clamping: nativeBytesPending / 1024))
            nativeBytesPending = 0
        }
    }

    /// Runs a full collection cycle (finalizers of unreachable objects run now), after releasing
    /// the values of ``LuaRef``s that died.
    public func collectGarbage() {
        drainUnrefs()
        ember_gc_collect(pointer)
    }

    /// Bytes of the Lua heap in use (native memory noted with ``noteNativeAllocation(bytes:)``
    /// is not included).
    public var memoryInUse: Int { Int(ember_gc_bytes(pointer)) }

    // MARK: - Reading the stack

    /// The string at `index` when it is a string or a number, read without metamethods.
    func string(at index: Int32) -> String? {
        LuaCall(pointer, lua: self, name: "?").rawString(at: Int(index))
    }

    /// The value at `index`, converted raw (see ``LuaValue``).
    func value(at index: Int32) -> LuaValue {
        LuaCall(pointer, lua: self, name: "?").value(at: Int(index))
    }

    func drainUnrefs() {
        for ref in pendingUnrefs.take() {
            luaL_unref(pointer, ember_registry_index(), ref)
        }
    }
}
