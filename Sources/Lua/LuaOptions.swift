import CLua

/// Keyword arguments: the options table a Lua function takes as its last argument
/// (`nn.Linear(4, 2, {bias=false})`), checked against the names the function knows.
///
/// A misspelt option is an error, not a silent no-op:
/// `bad argument #3 to 'nn.Linear' (unknown option 'bais'; valid options: bias)`.
public struct LuaOptions {
    /// The options table's position.
    public let position: Int
    private let values: [String: LuaValue]

    init(position: Int, values: [String: LuaValue]) {
        self.position = position
        self.values = values
    }

    /// Whether the option was given.
    public func contains(_ name: String) -> Bool { values[name] != nil }

    /// The raw value of an option (nil when absent).
    public func value(_ name: String) -> LuaValue? { values[name] }

    /// A number option, or nil when absent.
    public func number(_ name: String) throws -> Double? {
        guard let value = values[name] else { return nil }
        guard let number = value.number else { throw mismatch(name, "number", value) }
        return number
    }

    /// An integer option, or nil when absent.
    public func integer(_ name: String) throws -> Int? {
        guard let value = values[name] else { return nil }
        guard let integer = value.integer else {
            throw value.number == nil
                ? mismatch(name, "number", value)
                : LuaArgumentError(
                    position: position, message: "option '\(name)': number has no integer representation")
        }
        return integer
    }

    /// A string option, or nil when absent.
    public func string(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard let string = value.string else { throw mismatch(name, "string", value) }
        return string
    }

    /// A boolean option, or nil when absent.
    public func boolean(_ name: String) throws -> Bool? {
        guard let value = values[name] else { return nil }
        guard case .boolean(let flag) = value else { throw mismatch(name, "boolean", value) }
        return flag
    }

    /// A string option that must be one of `choices`, or nil when absent.
    public func choice(_ name: String, of choices: [String]) throws -> String? {
        guard let text = try string(name) else { return nil }
        guard choices.contains(text) else {
            throw LuaArgumentError(
                position: position,
                message:
                    "option '\(name)': expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(text)\""
            )
        }
        return text
    }

    /// A table option, or nil when absent.
    public func table(_ name: String) throws -> LuaTable? {
        guard let value = values[name] else { return nil }
        guard case .table(let table) = value else { throw mismatch(name, "table", value) }
        return table
    }

    private func mismatch(_ name: String, _ expected: String, _ value: LuaValue) -> LuaArgumentError {
        LuaArgumentError(position: position, message: "option '\(name)': \(expected) expected, got \(value.typeName)")
    }
}

extension LuaCall {
    /// The options table at `position`; an absent or nil argument gives no options.
    /// - Parameter allowed: every option name the function understands; any other key (or a
    ///   non-string key) is an error naming it and listing the valid ones.
    public func options(at position: Int, allowed: [String]) throws -> LuaOptions {
        if isNoneOrNil(position) { return LuaOptions(position: position, values: [:]) }
        guard lua_type(pointer, Int32(position)) == LUA_TTABLE else {
            throw typeError(position, expected: "options table")
        }
        let table = try table(at: position)
        let valid = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
        if table.otherKeys > 0 || !table.array.isEmpty {
            throw LuaArgumentError(
                position: position, message: "options must be name=value pairs; valid options: \(valid)")
        }
        for key in table.fields.keys.sorted() where !allowed.contains(key) {
            throw LuaArgumentError(
                position: position, message: "unknown option '\(key)'; valid options: \(valid)")
        }
        return LuaOptions(position: position, values: table.fields)
    }

    /// Whether the last argument is a table that could be an options table (so a function
    /// with variadic sizes, like `tensor.zeros(2, 3, {dtype=…})`, can tell where sizes end).
    public var hasTrailingTable: Bool {
        count > 0 && lua_type(pointer, Int32(count)) == LUA_TTABLE
    }
}
