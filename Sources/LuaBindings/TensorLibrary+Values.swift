import Lua
import TensorCore

/// Queries (`shape`, `size`, `dim`, `numel`, `#t`, `dtype`) and values (`item`, `totable`,
/// `float`, `long`, `to`). Sizes are returned as Lua lists; `size(axis)` takes a 1-based axis.
extension TensorLibrary {
    static func registerQueries(_ type: LuaUserType<Tensor>) {
        type.method(
            "shape", "t:shape() -> {size...}",
            "The sizes of the axes as a Lua list ({} for a 0-d tensor)"
        ) { t, call in
            try call.expectAtMost(1)
            return call.push(t.shape)
        }
        type.method(
            "size", "t:size([axis]) -> integer | {size...}",
            "The size of axis (1-based, negative from the end), or every size as a list"
        ) { t, call in
            try call.expectAtMost(2)
            if call.isNoneOrNil(2) { return call.push(t.shape) }
            try requireAxes(t, call)
            return call.push(t.shape[try call.axis(at: 2, rank: t.rank)])
        }
        type.method("dim", "t:dim() -> integer", "The number of axes (the rank)") { t, call in
            try call.expectAtMost(1)
            return call.push(t.rank)
        }
        type.method("numel", "t:numel() -> integer", "The number of elements") { t, call in
            try call.expectAtMost(1)
            return call.push(t.count)
        }
        type.method(
            "dtype", "t:dtype() -> string",
            "The element type: float32, float64, int64, bool, float16 or bfloat16"
        ) { t, call in
            try call.expectAtMost(1)
            return call.push(t.dtype.rawValue)
        }
        type.length { t in
            guard t.rank > 0 else { throw LuaMessageError("#t: a 0-d tensor has no length; use t:item()") }
            return t.shape[0]
        }
    }

    static func registerValues(_ type: LuaUserType<Tensor>) {
        type.method(
            "item", "t:item() -> number | integer | boolean",
            "The value of a one-element tensor as a Lua value"
        ) { t, call in
            try call.expectAtMost(1)
            guard t.count == 1 else {
                throw LuaArgumentError(
                    position: 1, message: "item() needs a one-element tensor, got shape \(shapeText(t.shape))")
            }
            return call.push(luaValues(of: t)[0])
        }
        type.method(
            "totable", "t:totable() -> table | number",
            "The values as nested Lua lists (a plain value for a 0-d tensor): integers for int64, booleans for bool"
        ) { t, call in
            try call.expectAtMost(1)
            let values = luaValues(of: t)
            if t.rank == 0 { return call.push(values[0]) }
            var next = 0
            return call.push(nest(values, shape: t.shape[...], next: &next))
        }
        for (name, dtype) in [("float", DType.float32), ("double", .float64), ("long", .int64), ("bool", .bool)] {
            type.method(name, "t:\(name)() -> Tensor", "t converted to \(dtype) (t itself when it already is)") {
                t, call in
                try call.expectAtMost(1)
                return try pushConverted(t, to: dtype, call)
            }
        }
        type.method(
            "to", "t:to(dtype) -> Tensor",
            "t converted to dtype (\"float32\", \"float64\", \"int64\", \"bool\", \"float16\", \"bfloat16\")"
        ) { t, call in
            try call.expectAtMost(2)
            let name = try call.string(at: 2)
            guard let dtype = DType(rawValue: name) else {
                let names = DType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw LuaArgumentError(position: 2, message: "dtype expected (one of \(names)), got \"\(name)\"")
            }
            return try pushConverted(t, to: dtype, call)
        }
    }

    /// Pushes `t` in `dtype`: the argument itself when it already has that type, as in PyTorch
    /// (`t:float() == t` for a float32 tensor).
    private static func pushConverted(_ t: Tensor, to dtype: DType, _ call: LuaCall) throws -> Int {
        t.dtype == dtype ? call.pushArgument(1) : try call.push(tensor: t.converted(to: dtype))
    }

    /// Every element as the Lua value `totable` gives it, in row-major order.
    private static func luaValues(of t: Tensor) -> [LuaValue] {
        switch t.dtype {
        case .int64: return t.toArray(of: Int64.self).map { .integer($0) }
        case .bool: return t.toArray(of: Bool.self).map { .boolean($0) }
        default: return t.toArray(of: Double.self).map { .number($0) }
        }
    }

    /// The values from `next` on, nested as `shape` says.
    private static func nest(_ values: [LuaValue], shape: ArraySlice<Int>, next: inout Int) -> LuaTable {
        var table = LuaTable()
        guard let size = shape.first else { return table }
        table.array.reserveCapacity(size)
        for _ in 0..<size {
            if shape.count == 1 {
                table.array.append(values[next])
                next += 1
            } else {
                table.array.append(.table(nest(values, shape: shape.dropFirst(), next: &next)))
            }
        }
        return table
    }
}
