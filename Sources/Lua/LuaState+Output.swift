import CLua
import CLuaShim

extension LuaState {
    /// Rebinds `print` and `io.write` so that what a chunk prints goes through ``output``.
    /// Their behaviour is Lua's: `print` converts with `tostring` rules (`__tostring`,
    /// `__name`), separates with tabs and ends the line; `io.write` writes strings and numbers
    /// to the default output file, which is ``output`` while that file is `io.stdout`.
    func installOutputFunctions() {
        let L = pointer
        function("print", "print(...)", "Writes its arguments, tab-separated, and a newline.") { call in
            var parts: [String] = []
            for position in stride(from: 1, through: call.count, by: 1) {
                parts.append(try call.convertToString(at: position))
            }
            call.lua.output.write(parts.joined(separator: "\t") + "\n")
            return 0
        }
        lua_getglobal(L, "io")
        lua_getfield(L, -1, "write")
        let originalWrite = LuaRef(anchoring: -1, on: LuaCall(L, lua: self, name: "io.write"))
        lua_settop(L, -2)
        pushFunction(named: "io.write") { call in
            guard call.defaultOutputIsStandardOutput() else {
                // io.output("file"): the original io.write, with the same arguments.
                let count = call.count
                let results = try call.call(originalWrite) { call in
                    for position in stride(from: 1, through: count, by: 1) {
                        lua_pushvalue(call.pointer, Int32(position))
                    }
                    return count
                }
                return results.reduce(0) { $0 + call.push($1) }
            }
            var text = ""
            for position in stride(from: 1, through: call.count, by: 1) {
                text += try call.writableText(at: position)
            }
            call.lua.output.write(text)
            return call.pushDefaultOutput()
        }
        lua_setfield(L, -2, "write")
        lua_settop(L, -2)
        docs.add(
            LuaDoc(
                name: "io.write", signature: "io.write(...)",
                summary: "Writes strings and numbers to the default output file."))
    }
}

extension LuaCall {
    /// `tostring` of the argument, honouring `__tostring`; an error inside `__tostring`
    /// propagates as a Lua error.
    public func convertToString(at position: Int) throws -> String {
        let status = ember_ptolstring(pointer, Int32(position))
        let text = rawString(at: -1) ?? "?"
        lua_settop(pointer, -2)
        if status != LUA_OK { throw LuaError(kind: .runtime, message: text) }
        return text
    }

    /// What `io.write` writes for a string or a number (floats as `%.14g`, as liolib does).
    fileprivate func writableText(at position: Int) throws -> String {
        let index = Int32(position)
        if lua_type(pointer, index) == LUA_TNUMBER, lua_isinteger(pointer, index) == 0 {
            let value = lua_tonumberx(pointer, index, nil)
            return formatNumber(value)
        }
        return try string(at: position)
    }

    private func formatNumber(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.14g", $0) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Whether liolib's default output file (registry `_IO_output`) is `io.stdout`.
    fileprivate func defaultOutputIsStandardOutput() -> Bool {
        let top = lua_gettop(pointer)
        defer { lua_settop(pointer, top) }
        lua_getfield(pointer, ember_registry_index(), "_IO_output")  // the registry has no metatable
        lua_rawgeti(pointer, ember_registry_index(), lua_Integer(LUA_RIDX_GLOBALS))
        lua_pushstring(pointer, "io")
        guard lua_rawget(pointer, -2) == LUA_TTABLE else { return true }
        lua_pushstring(pointer, "stdout")
        lua_rawget(pointer, -2)
        return lua_rawequal(pointer, -1, top + 1) != 0
    }

    /// Pushes the default output file (what `io.write` returns).
    fileprivate func pushDefaultOutput() -> Int {
        lua_getfield(pointer, ember_registry_index(), "_IO_output")
        return 1
    }
}
