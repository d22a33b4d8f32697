import Lua
import TensorCore

/// Nested Lua tables (or one number or boolean) read as a rectangular array, for `tensor{...}`.
///
/// The shape comes from the first entry at each depth; every other table must agree, and a
/// mismatch is an error naming the entry as a Lua path (`[2][1]`), so a ragged literal is found
/// at once.
struct NestedValues {
    /// The shape of the array (`[]` for a single value).
    private(set) var shape: [Int] = []
    /// The values in row-major order.
    private(set) var leaves: [LuaValue] = []
    private let position: Int

    /// Reads `value`, the argument at `position`.
    init(_ value: LuaValue, position: Int) throws {
        self.position = position
        var probe = value
        while case .table(let table) = probe {
            shape.append(table.array.count)
            guard let first = table.array.first else { break }
            probe = first
        }
        try collect(value, depth: 0, path: "")
    }

    /// int64 when every value is a Lua integer, bool when every value is a boolean, float32
    /// otherwise (and for an empty table), as `torch.tensor` infers.
    var inferredType: DType {
        if leaves.isEmpty { return .float32 }
        if case .boolean = leaves[0] { return .bool }
        return leaves.allSatisfy { if case .integer = $0 { return true } else { return false } } ? .int64 : .float32
    }

    /// The values as a tensor of `dtype`.
    func tensor(_ dtype: DType) throws -> Tensor {
        switch dtype {
        case .int64: return try Tensor(shape: shape, scalars: leaves.map(Self.int64))
        case .bool: return try Tensor(shape: shape, scalars: leaves.map(Self.bool))
        case .float64: return try Tensor(shape: shape, scalars: leaves.map(Self.double))
        default: return try Tensor(shape: shape, scalars: leaves.map { Float(Self.double($0)) }).converted(to: dtype)
        }
    }

    private mutating func collect(_ value: LuaValue, depth: Int, path: String) throws {
        let place = path.isEmpty ? "" : " at \(path)"
        switch value {
        case .table(let table):
            guard depth < shape.count else {
                throw error(
                    "ragged nested table: a table\(place) where \(depth == 0 ? "a value" : "values") stand elsewhere")
            }
            guard table.fields.isEmpty, table.otherKeys == 0 else {
                throw error("the table\(place) has keys other than 1..n; tensor data must be plain lists")
            }
            guard table.array.count == shape[depth] else {
                throw error(
                    "ragged nested table: the table\(place) has \(entries(table.array.count)), but \(Self.firstPath(depth)) has \(shape[depth])"
                )
            }
            for (index, entry) in table.array.enumerated() {
                try collect(entry, depth: depth + 1, path: path + "[\(index + 1)]")
            }
        case .integer, .number, .boolean:
            guard depth == shape.count else {
                throw error(
                    "ragged nested table: a \(value.typeName)\(place) where a table of \(entries(shape[depth])) stands elsewhere"
                )
            }
            if let first = leaves.first, Self.isBoolean(first) != Self.isBoolean(value) {
                throw error("booleans and numbers are mixed (\(value.typeName)\(place))")
            }
            leaves.append(value)
        case .object(let object) where object is Tensor:
            throw error("a Tensor\(place): use tensor.stack(list) to join tensors")
        default:
            throw error("number, boolean or table expected\(place), got \(value.typeName)")
        }
    }

    private func entries(_ count: Int) -> String {
        count == 1 ? "1 entry" : "\(count) entries"
    }

    private func error(_ message: String) -> LuaArgumentError {
        LuaArgumentError(position: position, message: message)
    }

    /// The path of the first table at `depth` (`[1][1]`), which set the expected size.
    private static func firstPath(_ depth: Int) -> String {
        depth == 0 ? "the outer table" : String(repeating: "[1]", count: depth)
    }

    private static func isBoolean(_ value: LuaValue) -> Bool {
        if case .boolean = value { return true }
        return false
    }

    private static func double(_ value: LuaValue) -> Double {
        if case .boolean(let flag) = value { return flag ? 1 : 0 }
        return value.number ?? 0
    }

    private static func int64(_ value: LuaValue) -> Int64 {
        if case .integer(let i) = value { return i }
        let x = double(value)
        // Truncation toward zero as PyTorch converts; NaN and out-of-range values saturate
        // instead of trapping.
        if x.isNaN { return 0 }
        if x >= 9.223_372_036_854_775_807e18 { return .max }
        if x <= -9.223_372_036_854_775_808e18 { return .min }
        return Int64(x)
    }

    private static func bool(_ value: LuaValue) -> Bool {
        double(value) != 0
    }
}
