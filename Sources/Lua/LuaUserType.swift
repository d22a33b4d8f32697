import CLua
import CLuaShim

/// A Lua type for a Swift class: a named metatable with documented methods, properties and
/// metamethods. Values are full userdata holding a retained reference to the object.
///
/// Every type gets `__name`, `__gc` (releases the object), `__close` (runs the close action,
/// if any, then releases the object, for `local t <close> = …`), `__index` (the method table,
/// or a function that looks in it and then in the properties), `__newindex` (settable
/// properties; anything else is an error) and `__methods` (the method table, for completion).
///
/// ```swift
/// let counter = lua.userType(Counter.self, name: "Counter", summary: "A counter.")
/// counter.method("add", "c:add(n) -> Counter", "Adds n; returns c.") { c, call in
///     c.value += try call.integer(at: 2)
///     return call.pushArgument(1)
/// }
/// counter.property("value", "c.value -> integer", "The count.") { c, call in call.push(c.value) }
/// counter.tostring { c in "Counter(\(c.value))" }
/// ```
public final class LuaUserType<T: AnyObject> {
    /// The metatable name, also `__name` (`Tensor`).
    public let name: String
    private unowned let lua: LuaState
    private var getters: [String: (T, LuaCall) throws -> Int] = [:]
    private var setters: [String: (T, LuaCall) throws -> Void] = [:]
    private var elementGetter: ((T, LuaCall) throws -> Int)?
    private var elementSetter: ((T, LuaCall) throws -> Void)?
    private var indexIsFunction = false
    private var closeAction: ((T) -> Void)?

    init(name: String, summary: String, lua: LuaState) {
        self.name = name
        self.lua = lua
        lua.typeNames[ObjectIdentifier(T.self)] = name
        lua.docs.add(LuaDoc(name: name, signature: name, summary: summary))
        let L = lua.pointer
        ember_new_type_metatable(L, name)
        lua_createtable(L, 0, 16)  // the method table
        lua_pushvalue(L, -1)
        lua_setfield(L, -3, "__index")
        lua_setfield(L, -2, "__methods")
        lua_settop(L, -2)
        installStandardMetamethods()
    }

    // MARK: - Methods and properties

    /// Registers a method, called as `obj:name(...)`. `self` is position 1 in `body`'s call;
    /// the first explicit argument is position 2.
    public func method(
        _ method: String, _ signature: String, _ summary: String,
        _ body: @escaping (T, LuaCall) throws -> Int
    ) {
        lua.docs.add(LuaDoc(name: "\(name):\(method)", signature: signature, summary: summary))
        withMetatable { L in
            lua_getfield(L, -1, "__methods")
            lua.pushFunction(named: "\(name):\(method)") { call in
                try body(call.object(at: 1, as: T.self), call)
            }
            lua_setfield(L, -2, method)
            lua_settop(L, -2)
        }
    }

    /// Registers a computed property read as `obj.name` (`t.grad`); `body` pushes its value.
    public func property(
        _ property: String, _ signature: String, _ summary: String,
        _ body: @escaping (T, LuaCall) throws -> Int
    ) {
        lua.docs.add(LuaDoc(name: "\(name).\(property)", signature: signature, summary: summary))
        installIndexFunction()
        getters[property] = body
    }

    /// Registers `obj[key]` and `obj[key] = value` for keys that are not strings (`t[1]`,
    /// `t[-1] = 0`): `get` sees the key at position 2 and pushes the element; `set` reads the key
    /// at 2 and the value at 3. String keys keep meaning methods and properties.
    public func elements(
        _ signature: String, _ summary: String,
        get: @escaping (T, LuaCall) throws -> Int,
        set: ((T, LuaCall) throws -> Void)? = nil
    ) {
        lua.docs.add(LuaDoc(name: "\(name)[]", signature: signature, summary: summary))
        installIndexFunction()
        elementGetter = get
        elementSetter = set
    }

    /// Makes the property `obj.name = value` settable; `body` reads the value at position 3.
    public func setter(_ property: String, _ body: @escaping (T, LuaCall) throws -> Void) {
        setters[property] = body
    }

    /// Registers a metamethod. `body` sees the operands as Lua passes them: for binary
    /// operators the object may be either operand (`2 * t` calls `__mul(2, t)`), which
    /// ``LuaCall/operand(at:as:)`` reads.
    public func metamethod(_ event: LuaMetamethod, _ summary: String, _ body: @escaping LuaFunction) {
        lua.docs.add(LuaDoc(name: "\(name).\(event.rawValue)", signature: event.rawValue, summary: summary))
        withMetatable { L in
            lua.pushFunction(named: "\(name).\(event.rawValue)", body)
            lua_setfield(L, -2, event.rawValue)
        }
    }

    /// The text `tostring(obj)`, `print(obj)` and the REPL show: a summary, never a full dump.
    public func tostring(_ body: @escaping (T) -> String) {
        withMetatable { L in
            lua.pushFunction(named: "\(name).__tostring") { call in
                call.push(body(try call.object(at: 1, as: T.self)))
            }
            lua_setfield(L, -2, "__tostring")
        }
    }

    /// What `#obj` returns; a thrown error becomes the Lua error of `#obj`.
    public func length(_ body: @escaping (T) throws -> Int) {
        withMetatable { L in
            lua.pushFunction(named: "\(name).__len") { call in
                call.push(try body(try call.object(at: 1, as: T.self)))
            }
            lua_setfield(L, -2, "__len")
        }
    }

    /// An action run when the value is closed (`local t <close> = …`) before the object is
    /// released, e.g. freeing a large buffer at once.
    public func onClose(_ body: @escaping (T) -> Void) {
        closeAction = body
    }

    // MARK: - Installation

    private func installStandardMetamethods() {
        withMetatable { L in
            lua.pushFunction(named: "\(name).__close") { [unowned self] call in
                if let slot = ember_object_slot(call.pointer, 1, self.name), let raw = slot.pointee,
                    let object = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? T
                {
                    self.closeAction?(object)
                }
                ember_release_slot(call.pointer, 1, self.name)
                return 0
            }
            lua_setfield(L, -2, "__close")
            lua.pushFunction(named: "\(name).__newindex") { [unowned self] call in
                let object = try call.object(at: 1, as: T.self)
                if lua_type(call.pointer, 2) != LUA_TSTRING, let setter = self.elementSetter {
                    try setter(object, call)
                    return 0
                }
                let key = call.rawString(at: 2) ?? call.typeName(at: 2)
                guard let setter = self.setters[key] else {
                    throw LuaMessageError("\(self.name) has no settable field '\(key)'")
                }
                try setter(object, call)
                return 0
            }
            lua_setfield(L, -2, "__newindex")
        }
    }

    /// Replaces the `__index` table by a function: method table first, then properties; keys
    /// that are not strings go to the element getter.
    private func installIndexFunction() {
        guard !indexIsFunction else { return }
        indexIsFunction = true
        withMetatable { L in
            lua.pushFunction(named: "\(name).__index") { [unowned self] call in
                guard lua_type(call.pointer, 2) == LUA_TSTRING, let key = call.rawString(at: 2) else {
                    guard let getter = self.elementGetter else { return call.pushNil() }
                    return try getter(call.object(at: 1, as: T.self), call)
                }
                lua_getmetatable(call.pointer, 1)
                lua_getfield(call.pointer, -1, "__methods")
                if lua_getfield(call.pointer, -1, key) != LUA_TNIL { return 1 }
                lua_settop(call.pointer, 2)
                guard let getter = self.getters[key] else { return call.pushNil() }
                return try getter(call.object(at: 1, as: T.self), call)
            }
            lua_setfield(L, -2, "__index")
        }
    }

    private func withMetatable(_ body: (OpaquePointer) -> Void) {
        let L = lua.pointer
        lua_getfield(L, ember_registry_index(), name)
        body(L)
        lua_settop(L, -2)
    }
}

/// Metamethods a ``LuaUserType`` can define with ``LuaUserType/metamethod(_:_:_:)``.
public enum LuaMetamethod: String, Sendable {
    case add = "__add", sub = "__sub", mul = "__mul", div = "__div", mod = "__mod"
    case pow = "__pow", unm = "__unm", idiv = "__idiv"
    case concat = "__concat", eq = "__eq", lt = "__lt", le = "__le"
    case call = "__call"
}

/// One operand of a binary metamethod: the object, or a number.
public enum LuaOperand<T: AnyObject> {
    case object(T)
    case number(Double)
}

extension LuaCall {
    /// An operand of an arithmetic metamethod: an object of type `T` or a number, on either
    /// side (`t * 2` and `2 * t` both reach `__mul`).
    public func operand<T: AnyObject>(at position: Int, as type: T.Type) throws -> LuaOperand<T> {
        if lua_type(pointer, Int32(position)) == LUA_TNUMBER {
            return .number(lua_tonumberx(pointer, Int32(position), nil))
        }
        if isObject(at: position, of: T.self) { return .object(try object(at: position, as: T.self)) }
        let typeName = (try? lua.registeredName(of: T.self)) ?? "object"
        throw typeError(position, expected: "\(typeName) or number")
    }
}

extension LuaState {
    /// Registers a Lua type for the Swift class `T` and returns it for adding methods.
    /// - Parameters:
    ///   - type: the Swift class (push and fetch objects by this static type).
    ///   - name: the metatable name and `__name` (`Tensor`); unique per state.
    ///   - summary: one line for `?name`.
    public func userType<T: AnyObject>(_ type: T.Type, name: String, summary: String) -> LuaUserType<T> {
        let userType = LuaUserType<T>(name: name, summary: summary, lua: self)
        userTypes.append(userType)
        return userType
    }

    /// The metatable name registered for `T`.
    func registeredName<T: AnyObject>(of type: T.Type) throws -> String {
        guard let name = typeNames[ObjectIdentifier(T.self)] else {
            throw LuaError(kind: .runtime, message: "no Lua type is registered for \(T.self)")
        }
        return name
    }

    /// Whether `name` is the metatable name of a registered type.
    func isRegisteredType(_ name: String) -> Bool {
        typeNames.values.contains(name)
    }
}
