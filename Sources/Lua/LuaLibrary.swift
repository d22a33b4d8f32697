import CLua
import CLuaShim

/// A Lua library under construction: a global table of documented Swift functions.
///
/// ```swift
/// let counter = lua.library("counter", summary: "Counting things.")
/// counter.function("add", "counter.add(a, b) -> number", "The sum of two numbers.") { call in
///     call.push(try call.number(at: 1) + call.number(at: 2))
/// }
/// ```
public final class LuaLibrary {
    /// The library's global name (`tensor`).
    public let name: String
    private unowned let lua: LuaState
    private let reference: Int32

    init(name: String, summary: String, lua: LuaState) {
        self.name = name
        self.lua = lua
        let L = lua.pointer
        lua_createtable(L, 0, 16)
        reference = luaL_ref(L, ember_registry_index())  // the table, even if the global changes
        lua.setGlobal(name) { lua_rawgeti($0.pointer, ember_registry_index(), lua_Integer(reference)) }
        lua.docs.add(LuaDoc(name: name, signature: name, summary: summary))
    }

    /// Registers `name.function` (`tensor.zeros`).
    /// - Parameters:
    ///   - function: the field name in the library table.
    ///   - signature: how it is called, shown by `?name` and `%help`.
    ///   - summary: one line saying what it does.
    ///   - body: the Swift implementation.
    public func function(
        _ function: String, _ signature: String, _ summary: String, _ body: @escaping LuaFunction
    ) {
        let qualified = "\(name).\(function)"
        lua.docs.add(LuaDoc(name: qualified, signature: signature, summary: summary))
        withTable { L in
            lua.pushFunction(named: qualified, body)
            lua_setfield(L, -2, function)
        }
    }

    /// Makes the library table itself callable (`tensor{1, 2, 3}`): `body` receives the table as
    /// position 1 and the call's arguments from position 2.
    public func call(_ signature: String, _ summary: String, _ body: @escaping LuaFunction) {
        lua.docs.add(LuaDoc(name: "\(name)()", signature: signature, summary: summary))
        withTable { L in
            lua_createtable(L, 0, 1)
            lua.pushFunction(named: name, body)
            lua_setfield(L, -2, "__call")
            lua_setmetatable(L, -2)
        }
    }

    /// Sets a documented constant field (`tensor.float32 = "float32"`).
    public func constant(_ field: String, _ value: some LuaPushable, _ summary: String) {
        lua.docs.add(LuaDoc(name: "\(name).\(field)", signature: "\(name).\(field)", summary: summary))
        withTable { L in
            value.push(onto: LuaCall(L, lua: lua, name: name))
            lua_setfield(L, -2, field)
        }
    }

    /// Runs `body` with the library table on top of the main stack, then pops it.
    private func withTable(_ body: (OpaquePointer) -> Void) {
        let L = lua.pointer
        lua_rawgeti(L, ember_registry_index(), lua_Integer(reference))
        body(L)
        lua_settop(L, -2)
    }

    /// Pushes the library table.
    func push(onto call: LuaCall) {
        lua_rawgeti(call.pointer, ember_registry_index(), lua_Integer(reference))
    }
}

extension LuaState {
    /// Creates the global library table `name` and returns it for registration.
    /// - Parameters:
    ///   - name: the global name (`tensor`, `nn`).
    ///   - summary: one line for `%help`.
    ///
    /// Asking again for a name already created returns that library, so several files can add
    /// to one table (`plot.frames` from the data bindings, `plot.line` from the trainer's).
    public func library(_ name: String, summary: String) -> LuaLibrary {
        if let existing = libraries.first(where: { $0.name == name }) { return existing }
        let library = LuaLibrary(name: name, summary: summary, lua: self)
        libraries.append(library)
        return library
    }

    /// Pushes a Swift function as a Lua function named `name` in error messages.
    func pushFunction(named name: String, _ body: @escaping LuaFunction) {
        let box = FunctionBox(name: name, body: body)
        ember_push_function(pointer, Unmanaged.passRetained(box).toOpaque(), name)
    }

    /// Sets the global function `name` (documented like library functions).
    public func function(
        _ name: String, _ signature: String, _ summary: String, _ body: @escaping LuaFunction
    ) {
        docs.add(LuaDoc(name: name, signature: signature, summary: summary))
        setGlobal(name) { _ in pushFunction(named: name, body) }
    }
}

extension LuaCall {
    /// Pushes a new Lua function backed by `body` (an iterator, a closure handed back to Lua)
    /// and returns 1. It lives as long as Lua keeps it.
    @discardableResult
    public func push(function name: String, _ body: @escaping LuaFunction) -> Int {
        let box = FunctionBox(name: name, body: body)
        ember_push_function(pointer, Unmanaged.passRetained(box).toOpaque(), name)
        return 1
    }

    /// Pushes the table of the library registered as `name` (nil if there is none).
    @discardableResult
    public func push(library name: String) -> Int {
        guard let library = lua.libraries.first(where: { $0.name == name }) else { return pushNil() }
        library.push(onto: self)
        return 1
    }
}

extension LuaState {
    /// Makes `require(module)` call `loader` (through `package.preload`); what the loader
    /// returns is what `require` returns, cached in `package.loaded`.
    public func preload(_ module: String, _ loader: @escaping LuaFunction) {
        let L = pointer
        lua_getglobal(L, "package")
        lua_getfield(L, -1, "preload")
        pushFunction(named: "require('\(module)')", loader)
        lua_setfield(L, -2, module)
        lua_settop(L, -3)
    }
}
