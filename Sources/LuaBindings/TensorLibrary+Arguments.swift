import Lua
import TensorCore

/// Reading the arguments tensor functions share: 1-based axes, sizes, dtypes, numbers or
/// tensors. Every reader throws a ``LuaArgumentError`` naming the position and what was
/// expected; axes are checked here so that messages speak of Lua's 1-based axes, never of
/// TensorCore's 0-based ones.
extension LuaCall {
    // MARK: - Axes

    /// The axis at `position` as a 0-based TensorCore axis.
    ///
    /// Lua axes are 1-based: `1…rank`, or `-rank…-1` counting from the end. `extra` widens the
    /// range for operations that insert an axis (`unsqueeze`, `stack` accept `rank + 1`).
    func axis(at position: Int, rank: Int, extra: Int = 0) throws -> Int {
        guard type(at: position) == .number else { throw typeError(position, expected: "axis (an integer)") }
        return try Self.axis(integer(at: position), rank: rank, extra: extra, position: position)
    }

    /// The axis at `position`, or `defaultAxis` (0-based) when absent or nil.
    func axis(at position: Int, rank: Int, default defaultAxis: Int) throws -> Int {
        isNoneOrNil(position) ? defaultAxis : try axis(at: position, rank: rank)
    }

    /// Converts a Lua axis (1-based, negative from the end) to a 0-based one.
    static func axis(_ value: Int, rank: Int, extra: Int = 0, position: Int) throws -> Int {
        // A 0-d tensor accepts axis 1 / -1 where PyTorch accepts 0 / -1 (reductions, softmax).
        let count = Swift.max(rank + extra, 1)
        if value >= 1 && value <= count { return value - 1 }
        if value <= -1 && value >= -count { return value + count }
        throw LuaArgumentError(
            position: position,
            message: "axis \(value) is out of range for a tensor of rank \(rank) "
                + "(axes are 1..\(count), or -\(count)..-1 from the end)")
    }

    /// Axes given as one number or a table of numbers, converted to 0-based and checked for
    /// repeats (`t:sum({1, 2})`).
    func axes(at position: Int, rank: Int) throws -> [Int] {
        let values: [Int]
        if type(at: position) == .table {
            values = try integers(in: table(at: position), at: position, what: "axis")
        } else if type(at: position) == .number {
            values = [try integer(at: position)]
        } else {
            throw typeError(position, expected: "axis or table of axes")
        }
        let axes = try values.map { try Self.axis($0, rank: rank, position: position) }
        if Set(axes).count != axes.count {
            throw LuaArgumentError(position: position, message: "axes \(luaList(values)) repeat an axis")
        }
        return axes
    }

    // MARK: - Sizes

    /// Sizes given either as integers from `position` on (`zeros(2, 3)`) or as one table
    /// (`zeros{2, 3}`, `zeros(t:shape())`), and the position after them, where an options
    /// table may follow. `-1` is accepted when `inferable` (view, reshape, expand).
    func sizes(from position: Int, inferable: Bool = false) throws -> (sizes: [Int], next: Int) {
        if type(at: position) == .table {
            let values = try integers(in: table(at: position), at: position, what: "size")
            try values.forEach { try checkSize($0, at: position, inferable: inferable) }
            return (values, position + 1)
        }
        var sizes: [Int] = []
        var next = position
        while type(at: next) == .number {
            let size = try integer(at: next)
            try checkSize(size, at: next, inferable: inferable)
            sizes.append(size)
            next += 1
        }
        if sizes.isEmpty { throw typeError(position, expected: "sizes (integers or a table of integers)") }
        return (sizes, next)
    }

    private func checkSize(_ size: Int, at position: Int, inferable: Bool) throws {
        if size >= 0 || (inferable && size == -1) { return }
        throw LuaArgumentError(
            position: position,
            message: "size \(size) is invalid (sizes are >= 0\(inferable ? ", or -1 to infer one" : ""))")
    }

    /// The integers of a Lua list; anything else is an error at `position` naming the entry.
    func integers(in table: LuaTable, at position: Int, what: String) throws -> [Int] {
        if table.otherKeys > 0 || !table.fields.isEmpty {
            throw LuaArgumentError(
                position: position, message: "list of \(what)s expected, got a table with other keys")
        }
        return try table.array.enumerated().map { index, value in
            guard let integer = value.integer else {
                throw LuaArgumentError(
                    position: position,
                    message: "\(what) \(index + 1) of the list must be an integer, got \(value.typeName)")
            }
            return integer
        }
    }

    // MARK: - Types and operands

    /// The `dtype` option (`{dtype="int64"}`), or nil when absent.
    func dtype(in options: LuaOptions, allowed: [DType] = [.float32, .float64, .int64, .bool]) throws -> DType? {
        guard let name = try options.choice("dtype", of: allowed.map(\.rawValue)) else { return nil }
        return DType(rawValue: name)
    }

    /// The tensor at `position`, or a number there as a 0-d tensor of the dtype arithmetic with
    /// `other` uses (PyTorch's rule: a float tensor keeps its type; with an integer tensor a Lua
    /// integer stays int64 and a Lua float gives float32).
    func tensorOrNumber(at position: Int, with other: Tensor?) throws -> Tensor {
        switch value(at: position) {
        case .object(let object as Tensor): return object
        case .integer(let i): return Tensor.full([], Double(i), dtype: scalarType(integral: true, with: other))
        case .number(let x): return Tensor.full([], x, dtype: scalarType(integral: false, with: other))
        case .boolean(let b) where other?.dtype == .bool: return Tensor(scalar: b)
        default: throw typeError(position, expected: "Tensor or number")
        }
    }

    private func scalarType(integral: Bool, with other: Tensor?) -> DType {
        guard let other else { return integral ? .int64 : .float32 }
        if other.dtype == .float64 { return .float64 }
        if other.dtype.isFloatingPoint { return .float32 }
        return integral ? .int64 : .float32
    }

    /// A list of tensors (`tensor.cat{a, b}`), with the entry named when one is not a tensor.
    func tensorList(at position: Int) throws -> [Tensor] {
        let list = try table(at: position)
        if list.array.isEmpty {
            throw LuaArgumentError(position: position, message: "non-empty list of tensors expected")
        }
        return try list.array.enumerated().map { index, value in
            guard case .object(let object as Tensor) = value else {
                throw LuaArgumentError(
                    position: position,
                    message: "entry \(index + 1) of the list must be a Tensor, got \(value.typeName)")
            }
            return object
        }
    }
}

/// `{1, 2, 3}` as a Lua reader writes it, for messages.
func luaList(_ values: [Int]) -> String {
    "{" + values.map(String.init).joined(separator: ", ") + "}"
}

/// `[2, 3]`, the way shapes appear in messages and displays.
func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
