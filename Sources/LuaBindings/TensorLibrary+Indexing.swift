import Lua
import TensorCore

/// Joining and index-driven selection: `tensor.cat`, `tensor.stack`, `split`, `index_select`,
/// `gather`, `masked_fill`, `where`. Axes are 1-based; index tensors hold 0-based values, as
/// PyTorch's do, so they move between Ember and PyTorch unchanged.
extension TensorLibrary {
    static func registerJoining(_ library: LuaLibrary, _ type: LuaUserType<Tensor>) {
        library.function(
            "cat", "tensor.cat(list[, axis]) -> Tensor",
            "Joins tensors along an existing axis (default 1); other sizes must agree"
        ) { call in
            try call.expectAtMost(2)
            let tensors = try call.tensorList(at: 1)
            let first = tensors[0]
            guard first.rank > 0 else {
                throw LuaArgumentError(position: 1, message: "0-d tensors cannot be concatenated; use tensor.stack")
            }
            let axis = try call.axis(at: 2, rank: first.rank, default: 0)
            for (index, t) in tensors.enumerated().dropFirst() {
                let fits =
                    t.rank == first.rank && t.shape.indices.allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] }
                guard fits else {
                    throw LuaArgumentError(
                        position: 1,
                        message: "entry \(index + 1) has shape \(shapeText(t.shape)), "
                            + "which does not match \(shapeText(first.shape)) outside axis \(axis + 1)")
                }
            }
            return try call.push(tensor: call.blaming(1) { try Tensor.cat(tensors, axis: axis) })
        }
        library.function(
            "stack", "tensor.stack(list[, axis]) -> Tensor",
            "Joins same-shaped tensors along a new axis (default 1)"
        ) { call in
            try call.expectAtMost(2)
            let tensors = try call.tensorList(at: 1)
            let first = tensors[0]
            if let (index, t) = tensors.enumerated().first(where: { $0.element.shape != first.shape }) {
                throw LuaArgumentError(
                    position: 1,
                    message:
                        "entry \(index + 1) has shape \(shapeText(t.shape)), expected \(shapeText(first.shape)) like entry 1"
                )
            }
            let axis = call.isNoneOrNil(2) ? 0 : try call.axis(at: 2, rank: first.rank, extra: 1)
            return try call.push(tensor: call.blaming(1) { try Tensor.stack(tensors, axis: axis) })
        }
        type.method(
            "split", "t:split(size | sizes[, axis]) -> {Tensor...}",
            "Views of consecutive pieces along axis (default 1): of size each (the last may be shorter), or of the listed sizes"
        ) { t, call in
            try call.expectAtMost(3)
            try requireAxes(t, call)
            let axis = try call.axis(at: 3, rank: t.rank, default: 0)
            if call.type(at: 2) == .table {
                let sizes = try call.integers(in: call.table(at: 2), at: 2, what: "size")
                guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == t.shape[axis] else {
                    throw LuaArgumentError(
                        position: 2,
                        message:
                            "sizes \(luaList(sizes)) must be >= 0 and add up to \(t.shape[axis]), the size of axis \(axis + 1)"
                    )
                }
                return try call.push(tensors: t.split(sizes: sizes, axis: axis))
            }
            let size = try call.integer(at: 2)
            guard size > 0 else { throw LuaArgumentError(position: 2, message: "size must be positive, got \(size)") }
            return try call.push(tensors: t.split(size: size, axis: axis))
        }
    }

    static func registerIndexing(_ library: LuaLibrary, _ type: LuaUserType<Tensor>) {
        type.method(
            "index_select", "t:index_select(axis, indices) -> Tensor",
            "The slices at indices (a 1-D int64 tensor of 0-based values) along axis, in that order"
        ) { t, call in
            try call.expectAtMost(3)
            try requireAxes(t, call)
            let axis = try call.axis(at: 2, rank: t.rank)
            let indices = try call.tensor(at: 3)
            guard indices.rank <= 1 else {
                throw LuaArgumentError(
                    position: 3, message: "a 1-D index tensor expected, got shape \(shapeText(indices.shape))")
            }
            try checkIndices(indices, size: t.shape[axis], axis: axis, position: 3)
            return try call.push(tensor: call.blaming(3) { try t.indexSelect(axis: axis, indices: indices) })
        }
        type.method(
            "gather", "t:gather(axis, indices) -> Tensor",
            "out[p] = t[p with axis replaced by indices[p]]: indices is int64 with 0-based values and t's rank"
        ) { t, call in
            try call.expectAtMost(3)
            try requireAxes(t, call)
            let axis = try call.axis(at: 2, rank: t.rank)
            let indices = try call.tensor(at: 3)
            guard indices.rank == t.rank else {
                throw LuaArgumentError(
                    position: 3,
                    message: "indices of rank \(t.rank) expected (t's rank), got shape \(shapeText(indices.shape))")
            }
            if let other = (0..<t.rank).first(where: { $0 != axis && indices.shape[$0] > t.shape[$0] }) {
                throw LuaArgumentError(
                    position: 3,
                    message:
                        "indices \(shapeText(indices.shape)) are larger than t \(shapeText(t.shape)) on axis \(other + 1)"
                )
            }
            try checkIndices(indices, size: t.shape[axis], axis: axis, position: 3)
            return try call.push(tensor: call.blaming(3) { try t.gathered(axis: axis, indices: indices) })
        }
        type.method(
            "masked_fill", "t:masked_fill(mask, value) -> Tensor",
            "t with value wherever the bool mask (broadcast to t) is true"
        ) { t, call in
            try call.expectAtMost(3)
            let mask = try call.tensor(at: 2)
            try requireBool(mask, position: 2)
            let value: Double
            switch call.value(at: 3) {
            case .boolean(let flag): value = flag ? 1 : 0
            case let other:
                guard let number = other.number else { throw call.typeError(3, expected: "number") }
                value = number
            }
            return try call.push(tensor: call.blaming(2) { try t.maskedFill(mask, value) })
        }
        library.function(
            "where", "tensor.where(condition, a, b) -> Tensor",
            "Elements of a where the bool condition is true and of b elsewhere (tensors or numbers, broadcast)"
        ) { call in
            try call.expectAtMost(3)
            let condition = try call.tensor(at: 1)
            try requireBool(condition, position: 1)
            let a = try? call.tensor(at: 2), b = try? call.tensor(at: 3)
            let x = try call.tensorOrNumber(at: 2, with: b), y = try call.tensorOrNumber(at: 3, with: a ?? x)
            return try call.push(tensor: call.blaming(3) { try Tensor.where(condition, x, y) })
        }
        type.method(
            "where", "t:where(condition, other) -> Tensor",
            "Elements of t where the bool condition is true and of other (tensor or number) elsewhere"
        ) { t, call in
            try call.expectAtMost(3)
            let condition = try call.tensor(at: 2)
            try requireBool(condition, position: 2)
            let other = try call.tensorOrNumber(at: 3, with: t)
            return try call.push(tensor: call.blaming(3) { try Tensor.where(condition, t, other) })
        }
    }

    /// Fails unless `mask` is a bool tensor (masks come from comparisons: `t:gt(0)`).
    static func requireBool(_ mask: Tensor, position: Int) throws {
        guard mask.dtype == .bool else {
            throw LuaArgumentError(
                position: position,
                message: "bool tensor expected (a comparison such as t:gt(0)), got a \(mask.dtype) tensor")
        }
    }

    /// Fails unless `indices` is int64 with every value in `0..<size`, naming the first bad value
    /// and saying that index values are 0-based.
    static func checkIndices(_ indices: Tensor, size: Int, axis: Int, position: Int) throws {
        guard indices.dtype == .int64 else {
            throw LuaArgumentError(
                position: position,
                message: "an int64 tensor of 0-based indices expected, got a \(indices.dtype) tensor")
        }
        if let bad = indices.toArray(of: Int64.self).first(where: { $0 < 0 || $0 >= size }) {
            let valid = size == 0 ? "the axis is empty" : "index values are 0-based: 0..\(size - 1)"
            throw LuaArgumentError(
                position: position,
                message: "index \(bad) is out of range for axis \(axis + 1) of size \(size) (\(valid))")
        }
    }
}
