import CLua
import CLuaShim

/// The body of a Swift function callable from Lua.
///
/// It reads its arguments through the ``LuaCall``, pushes its results with the call's `push`
/// methods and returns how many it pushed — the `lua_CFunction` contract. It reports failure by
/// throwing: ``LuaArgumentError`` for a bad argument, ``LuaError`` to pass on a Lua error, any
/// other error to raise its description as a message at the caller's position. It must never
/// call `lua_error` or a `luaL_check*` function itself.
public typealias LuaFunction = (LuaCall) throws -> Int

/// A retained Swift function, owned by the Lua function that calls it (released by its `__gc`).
final class FunctionBox {
    let name: String
    let body: LuaFunction

    init(name: String, body: @escaping LuaFunction) {
        self.name = name
        self.body = body
    }
}

/// Installs the three C entry points into Swift once per process.
enum Boundary {
    /// Swift runs this before any state exists; `static let` makes it happen exactly once.
    static let installed: Void = {
        ember_set_callbacks(dispatchFromC, releaseFromC, warnFromC)
    }()
}

/// Runs a Swift function for the trampoline and maps its outcome to a result count or a status.
/// Whatever goes wrong, it returns normally: the C side raises.
private func dispatchFromC(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    guard let L, let box else { return EMBER_RAISE_MESSAGE }
    let function = Unmanaged<FunctionBox>.fromOpaque(box).takeUnretainedValue()
    guard let lua = LuaState.owner(of: L) else {
        // Only during `lua_close`: finalizers written in Lua may still call Swift functions.
        lua_pushstring(L, "the Lua state is closing")
        return EMBER_RAISE_MESSAGE
    }
    let call = LuaCall(L, lua: lua, name: function.name)
    do {
        let results = try function.body(call)
        return Int32(results)
    } catch let error as LuaArgumentError {
        lua_settop(L, 0)
        lua_pushinteger(L, lua_Integer(error.position))
        lua_pushstring(L, error.message)
        return EMBER_RAISE_ARGUMENT
    } catch let error as LuaError {
        lua_settop(L, 0)
        if error.kind == .interrupted || ember_interrupt_pending() != 0 {
            return EMBER_RAISE_INTERRUPT
        }
        lua_pushstring(L, error.message)
        return EMBER_RAISE_VALUE  // already carries the position where Lua raised it
    } catch {
        lua_settop(L, 0)
        // Native code stopped by the interrupt flag (e.g. TensorError.interrupted) surfaces as
        // the same "interrupted" error as the Lua hook; the flag is what they share.
        if ember_interrupt_pending() != 0 { return EMBER_RAISE_INTERRUPT }
        lua_pushstring(L, String(describing: error))
        return EMBER_RAISE_MESSAGE
    }
}

private func releaseFromC(_ object: UnsafeMutableRawPointer?) {
    guard let object else { return }
    Unmanaged<AnyObject>.fromOpaque(object).release()
}

private func warnFromC(_ owner: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {
    guard let owner, let message else { return }
    let lua = Unmanaged<LuaState>.fromOpaque(owner).takeUnretainedValue()
    lua.output.write("Lua warning: \(String(cString: message))\n")
}
