import CLua
import CLuaShim

/// One call of a Swift function from Lua: its arguments, and where its results go.
///
/// Positions are stack positions, 1-based as in Lua: for a library function `tensor.zeros(2, 3)`
/// argument 1 is `2`; for a method `t:size(1)` position 1 is `t` itself and the axis is 2
/// (error messages count as the user wrote the call). Every accessor either returns a value of the
/// asked type or throws a ``LuaArgumentError`` naming the position and what was expected; none
/// runs a metamethod.
public struct LuaCall {
    /// The `lua_State *` of the running thread (a coroutine's, when called from one).
    let pointer: OpaquePointer
    /// The interpreter.
    public let lua: LuaState
    /// The function's name as registered (`tensor.zeros`, `Tensor:size`).
    public let name: String

    init(_ pointer: OpaquePointer, lua: LuaState, name: String) {
        self.pointer = pointer
        self.lua = lua
        self.name = name
    }

    /// How many arguments were passed.
    public var count: Int { Int(lua_gettop(pointer)) }

    // MARK: - Types

    /// The Lua type of the argument at `position` (`.none` past the last argument).
    public func type(at position: Int) -> LuaType {
        LuaType(rawValue: lua_type(pointer, Int32(position))) ?? .none
    }

    /// The name Lua's messages use for the argument's type: the `__name` of a userdata's
    /// metatable (`Tensor`), `no value` past the end, the basic type name otherwise.
    public func typeName(at position: Int) -> String {
        let index = Int32(position)
        if lua_type(pointer, index) == LUA_TUSERDATA, let name = metatableName(at: index) {
            return name
        }
        if lua_type(pointer, index) == LUA_TNONE { return "no value" }
        return String(cString: lua_typename(pointer, lua_type(pointer, index)))
    }

    /// Whether the argument is absent or nil.
    public func isNoneOrNil(_ position: Int) -> Bool {
        lua_type(pointer, Int32(position)) <= LUA_TNIL
    }

    /// An argument error for `position`: `(<what> expected, got <type>)`.
    public func typeError(_ position: Int, expected what: String) -> LuaArgumentError {
        LuaArgumentError(position: position, message: "\(what) expected, got \(typeName(at: position))")
    }

    /// Fails when more than `maximum` arguments were passed (a typo such as an extra argument
    /// should not be silently ignored).
    public func expectAtMost(_ maximum: Int) throws {
        if count > maximum {
            throw LuaArgumentError(
                position: maximum + 1, message: "no value expected, got \(typeName(at: maximum + 1))")
        }
    }

    // MARK: - Scalars

    /// A number argument (an integer is converted).
    public func number(at position: Int) throws -> Double {
        var isNumber: Int32 = 0
        let value = lua_tonumberx(pointer, Int32(position), &isNumber)
        guard isNumber != 0, lua_type(pointer, Int32(position)) == LUA_TNUMBER else {
            throw typeError(position, expected: "number")
        }
        return value
    }

    /// An integer argument; a float with an exact integer value is accepted, as in Lua.
    public func integer(at position: Int) throws -> Int {
        guard lua_type(pointer, Int32(position)) == LUA_TNUMBER else {
            throw typeError(position, expected: "number")
        }
        var isInteger: Int32 = 0
        let value = lua_tointegerx(pointer, Int32(position), &isInteger)
        guard isInteger != 0 else {
            throw LuaArgumentError(position: position, message: "number has no integer representation")
        }
        return Int(value)
    }

    /// A string argument (a number is accepted and converted, as `luaL_checkstring` does).
    public func string(at position: Int) throws -> String {
        guard let text = rawString(at: position) else { throw typeError(position, expected: "string") }
        return text
    }

    /// A boolean argument (only `true` or `false`).
    public func boolean(at position: Int) throws -> Bool {
        guard lua_type(pointer, Int32(position)) == LUA_TBOOLEAN else {
            throw typeError(position, expected: "boolean")
        }
        return lua_toboolean(pointer, Int32(position)) != 0
    }

    /// An optional number: `defaultValue` when the argument is absent or nil.
    public func number(at position: Int, default defaultValue: Double) throws -> Double {
        isNoneOrNil(position) ? defaultValue : try number(at: position)
    }

    /// An optional integer: `defaultValue` when the argument is absent or nil.
    public func integer(at position: Int, default defaultValue: Int) throws -> Int {
        isNoneOrNil(position) ? defaultValue : try integer(at: position)
    }

    /// An optional string: `defaultValue` when the argument is absent or nil.
    public func string(at position: Int, default defaultValue: String) throws -> String {
        isNoneOrNil(position) ? defaultValue : try string(at: position)
    }

    /// An optional boolean: `defaultValue` when the argument is absent or nil.
    public func boolean(at position: Int, default defaultValue: Bool) throws -> Bool {
        isNoneOrNil(position) ? defaultValue : try boolean(at: position)
    }

    // MARK: - Objects, tables and functions

    /// The Swift object in the userdata at `position`, which must be of the Lua type registered
    /// for `T` with ``LuaState/userType(_:name:summary:)``.
    public func object<T: AnyObject>(at position: Int, as type: T.Type) throws -> T {
        let typeName = try lua.registeredName(of: T.self)
        guard let slot = ember_object_slot(pointer, Int32(position), typeName) else {
            throw typeError(position, expected: typeName)
        }
        guard let raw = slot.pointee else {
            throw LuaArgumentError(position: position, message: "\(typeName) is closed")
        }
        guard let object = Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? T else {
            throw typeError(position, expected: typeName)
        }
        return object
    }

    /// Whether the argument is a userdata of the Lua type registered for `T`.
    public func isObject<T: AnyObject>(at position: Int, of type: T.Type) -> Bool {
        guard let name = lua.typeNames[ObjectIdentifier(T.self)] else { return false }
        return ember_object_slot(pointer, Int32(position), name) != nil
    }

    /// A table argument converted raw to Swift (see ``LuaTable``).
    public func table(at position: Int) throws -> LuaTable {
        guard lua_type(pointer, Int32(position)) == LUA_TTABLE else {
            throw typeError(position, expected: "table")
        }
        guard case .table(let table) = value(at: position) else { throw typeError(position, expected: "table") }
        return table
    }

    /// A function argument, anchored in the registry so Swift can call it later.
    public func function(at position: Int) throws -> LuaRef {
        guard lua_type(pointer, Int32(position)) == LUA_TFUNCTION else {
            throw typeError(position, expected: "function")
        }
        return LuaRef(anchoring: position, on: self)
    }

    /// Any argument converted raw to Swift (no metamethods run; tables are copied).
    public func value(at position: Int) -> LuaValue {
        var converter = ValueConverter(call: self)
        return converter.convert(at: Int32(position), depth: 0)
    }

    // MARK: - Helpers

    /// The string or number at `position` as a Swift string, without metamethods.
    func rawString(at position: Int) -> String? {
        LuaCall.text(pointer, Int32(position))
    }

    /// The string or number at `index` of the stack of `L` as text, without metamethods
    /// (empty for other types).
    static func rawText(_ L: OpaquePointer, _ index: Int32) -> String {
        text(L, index) ?? ""
    }

    private static func text(_ L: OpaquePointer, _ index: Int32) -> String? {
        let type = lua_type(L, index)
        guard type == LUA_TSTRING || type == LUA_TNUMBER else { return nil }
        var length = 0
        guard let bytes = lua_tolstring(L, index, &length) else { return nil }
        return decode(bytes, length)
    }

    /// Lua strings are byte strings; invalid UTF-8 is repaired rather than dropped.
    static func decode(_ bytes: UnsafePointer<CChar>, _ length: Int) -> String {
        let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The `__name` of the metatable of the value at `index`, read raw.
    func metatableName(at index: Int32) -> String? {
        guard lua_getmetatable(pointer, index) != 0 else { return nil }
        defer { lua_settop(pointer, -3) }
        lua_pushstring(pointer, "__name")
        lua_rawget(pointer, -2)
        return rawString(at: -1).flatMap { lua_type(pointer, -1) == LUA_TSTRING ? $0 : nil }
    }
}

/// Lua's basic types, as `lua_type` reports them.
public enum LuaType: Int32, Sendable {
    case none = -1, `nil` = 0, boolean, lightUserdata, number, string, table, function, userdata, thread
}
