import Lua
import TensorCore

/// Tables of named tensors that iterate in a given order: `m:named_parameters()` and
/// `m:state_dict()`, which PyTorch returns as ordered mappings.
///
/// The result is a plain table (`sd["classifier.weight"]`, `sd.x = nil` work as usual) whose
/// metatable gives `pairs(t)` and `for name, p in t do` the module's order; keys added later
/// come after, in `next`'s order. Lua's tables have no order of their own, and Swift cannot
/// set a metatable from this target, so a small Lua function does it on the pushed table.
struct OrderedTables {
    private let setOrder: LuaRef

    /// Compiles the Lua helper once per state.
    init(_ lua: LuaState) {
        guard case .function(let helper)? = try? lua.evaluate(Self.source, chunkName: "=nn.ordered").first else {
            preconditionFailure("nn: the ordered-table helper does not compile")
        }
        setOrder = helper
    }

    /// Pushes `{name = tensor, …}` that iterates in the order of `entries`; returns 1.
    func push(_ entries: [(name: String, tensor: Tensor)], on call: LuaCall) throws -> Int {
        try call.pushTable { table in
            for (name, tensor) in entries { try table.set(name, object: tensor) }
        }
        let position = call.count
        _ = try call.call(setOrder) { helper in
            helper.pushArgument(position)
            return helper.push(entries.map(\.name)) + 1
        }
        return 1
    }

    private static let source = """
        return function(t, names)
          local position = {}
          for i, name in ipairs(names) do position[name] = i end
          -- The entry after `key`: the listed names in order, then any other key.
          local function step(t, key)
            local i = key == nil and 1 or position[key] and position[key] + 1
            if i then
              for j = i, #names do
                local value = rawget(t, names[j])
                if value ~= nil then return names[j], value end
              end
              key = nil
            end
            repeat key = next(t, key) until key == nil or position[key] == nil
            if key ~= nil then return key, rawget(t, key) end
          end
          setmetatable(t, {
            __pairs = function(t) return step, t, nil end,
            __call = function(t, _, key) return step(t, key) end,
          })
        end
        """
}
