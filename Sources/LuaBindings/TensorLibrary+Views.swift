import Lua
import TensorCore

/// Views and movement: `t[i]`, `select`, `narrow`, `view`/`reshape`, `permute`, `transpose`,
/// `t`, `unsqueeze`, `squeeze`, `flatten`, `expand`, `contiguous`, `clone`. Positions and axes
/// are 1-based; views share memory with their base, as in PyTorch.
extension TensorLibrary {
    static func registerViews(_ type: LuaUserType<Tensor>) {
        type.elements(
            "t[i] -> Tensor; t[i] = value",
            "t[i] is t:select(1, i) (1-based, negative from the end); t[i] = v writes a number or a broadcastable tensor into it"
        ) { t, call in
            try call.push(tensor: t.select(axis: 0, index: elementIndex(t, call)))
        } set: { t, call in
            try assignElement(t, call)
        }
        type.method(
            "select", "t:select(axis, i) -> Tensor",
            "The slice at position i (1-based, negative from the end) along axis; the axis disappears"
        ) { t, call in
            try call.expectAtMost(3)
            try requireAxes(t, call)
            let axis = try call.axis(at: 2, rank: t.rank)
            let index = try position(at: 3, size: t.shape[axis], axis: axis, call)
            return try call.push(tensor: t.select(axis: axis, index: index))
        }
        type.method(
            "narrow", "t:narrow(axis, start, length) -> Tensor",
            "length elements of axis from position start (1-based, negative from the end), as a view"
        ) { t, call in
            try call.expectAtMost(4)
            try requireAxes(t, call)
            let axis = try call.axis(at: 2, rank: t.rank)
            let size = t.shape[axis]
            let start = try position(at: 3, size: size + 1, axis: axis, call)  // an empty slice may start after the end
            let length = try call.integer(at: 4)
            guard length >= 0, start + length <= size else {
                throw LuaArgumentError(
                    position: 4,
                    message: "length \(length) from position \(start + 1) does not fit axis \(axis + 1) of size \(size)"
                )
            }
            return try call.push(tensor: t.narrow(axis: axis, start: start, length: length))
        }
        type.method(
            "view", "t:view(size...) -> Tensor",
            "The same memory seen with another shape (one size may be -1); fails when a copy would be needed"
        ) { t, call in
            let (sizes, next) = try call.sizes(from: 2, inferable: true)
            try call.expectAtMost(next - 1)
            return try call.push(tensor: call.blaming(2) { try t.viewed(sizes) })
        }
        type.method(
            "reshape", "t:reshape(size...) -> Tensor",
            "The same elements in another shape (one size may be -1): a view when possible, else a copy"
        ) { t, call in
            let (sizes, next) = try call.sizes(from: 2, inferable: true)
            try call.expectAtMost(next - 1)
            return try call.push(tensor: call.blaming(2) { try t.reshaped(sizes) })
        }
        type.method(
            "permute", "t:permute(axis...) -> Tensor",
            "The axes reordered: axis k of the result is the k-th given axis of t"
        ) { t, call in
            let axes: [Int]
            if call.type(at: 2) == .table {
                try call.expectAtMost(2)
                axes = try call.axes(at: 2, rank: t.rank)
            } else {
                axes = try (2..<Swift.max(call.count + 1, 3)).map { try call.axis(at: $0, rank: t.rank) }
                if Set(axes).count != axes.count {
                    throw LuaArgumentError(position: 2, message: "axes \(luaList(axes.map { $0 + 1 })) repeat an axis")
                }
            }
            guard axes.count == t.rank else {
                throw LuaArgumentError(position: 2, message: "\(axes.count) axes given for a tensor of rank \(t.rank)")
            }
            return try call.push(tensor: t.permuted(axes))
        }
        type.method("transpose", "t:transpose(axis1, axis2) -> Tensor", "Swaps two axes (a view)") { t, call in
            try call.expectAtMost(3)
            let a = try call.axis(at: 2, rank: t.rank), b = try call.axis(at: 3, rank: t.rank)
            return try call.push(tensor: t.transposed(a, b))
        }
        type.method("t", "t:t() -> Tensor", "The transpose of a matrix (rank <= 2)") { t, call in
            try call.expectAtMost(1)
            return try call.push(tensor: call.blaming(1) { try t.t() })
        }
        type.method(
            "unsqueeze", "t:unsqueeze(axis) -> Tensor",
            "Inserts a size-1 axis at axis (1..rank+1; -1 appends one at the end)"
        ) { t, call in
            try call.expectAtMost(2)
            return try call.push(tensor: t.unsqueezed(at: call.axis(at: 2, rank: t.rank, extra: 1)))
        }
        type.method(
            "squeeze", "t:squeeze([axis]) -> Tensor",
            "Removes the size-1 axis axis (unchanged if its size is not 1), or every size-1 axis"
        ) { t, call in
            try call.expectAtMost(2)
            let axis = call.isNoneOrNil(2) ? nil : try call.axis(at: 2, rank: t.rank)
            return try call.push(tensor: t.squeezed(at: axis))
        }
        type.method(
            "flatten", "t:flatten([start[, stop]]) -> Tensor",
            "Merges axes start..stop (default: all) into one"
        ) { t, call in
            try call.expectAtMost(3)
            let start = try call.axis(at: 2, rank: t.rank, default: 0)
            let stop = try call.axis(at: 3, rank: t.rank, default: Swift.max(t.rank - 1, 0))
            guard start <= stop else {
                throw LuaArgumentError(
                    position: 3, message: "stop axis \(stop + 1) comes before start axis \(start + 1)")
            }
            return try call.push(tensor: t.flattened(from: start, to: stop))
        }
        type.method(
            "expand", "t:expand(size...) -> Tensor",
            "A view repeating size-1 axes to the given sizes (-1 keeps a size); no copy"
        ) { t, call in
            let (sizes, next) = try call.sizes(from: 2, inferable: true)
            try call.expectAtMost(next - 1)
            return try call.push(tensor: call.blaming(2) { try t.expanded(to: sizes) })
        }
        type.method(
            "contiguous", "t:contiguous() -> Tensor",
            "t itself when its elements are in row-major order, else a row-major copy"
        ) { t, call in
            try call.expectAtMost(1)
            return t.isContiguous ? call.pushArgument(1) : try call.push(tensor: t.contiguous())
        }
        type.method("clone", "t:clone() -> Tensor", "A copy with its own memory; gradients flow back to t") { t, call in
            try call.expectAtMost(1)
            return try call.push(tensor: t.copied().recordingGradient("clone", inputs: [t]) { g in [g] })
        }
    }

    // MARK: - Positions

    /// Fails for a 0-d tensor, which has no axis to take positions along.
    static func requireAxes(_ t: Tensor, _ call: LuaCall) throws {
        if t.rank == 0 { throw LuaArgumentError(position: 1, message: "a 0-d tensor has no axes") }
    }

    /// The 1-based position at `argument` (negative from the end) along an axis of `size`, as a
    /// 0-based index.
    static func position(at argument: Int, size: Int, axis: Int, _ call: LuaCall) throws -> Int {
        let value = try call.integer(at: argument)
        guard let index = zeroBased(value, size: size) else {
            throw LuaArgumentError(position: argument, message: outOfRange(value, size: size, axis: axis))
        }
        return index
    }

    private static func zeroBased(_ value: Int, size: Int) -> Int? {
        if value >= 1 && value <= size { return value - 1 }
        if value <= -1 && value >= -size { return value + size }
        return nil
    }

    private static func outOfRange(_ value: Int, size: Int, axis: Int) -> String {
        let valid = size == 0 ? "the axis is empty" : "positions are 1..\(size), or -\(size)..-1 from the end"
        return "position \(value) is out of range for axis \(axis + 1) of size \(size) (\(valid))"
    }

    /// The 0-based index of `t[key]` along axis 1; the key is at position 2.
    private static func elementIndex(_ t: Tensor, _ call: LuaCall) throws -> Int {
        guard t.rank > 0 else { throw LuaMessageError("a 0-d tensor cannot be indexed; use t:item()") }
        guard call.type(at: 2) == .number, let value = call.value(at: 2).integer else {
            throw LuaMessageError(
                "Tensor index must be an integer position, got \(call.typeName(at: 2)) (use index_select, gather or masked_fill for tensor indices)"
            )
        }
        guard let index = zeroBased(value, size: t.shape[0]) else {
            throw LuaMessageError("Tensor index: " + outOfRange(value, size: t.shape[0], axis: 0))
        }
        return index
    }

    /// `t[i] = value`: writes a number, a boolean or a tensor broadcast to the slice.
    private static func assignElement(_ t: Tensor, _ call: LuaCall) throws {
        let index = try elementIndex(t, call)
        // A leaf that requires grad may be written inside no_grad (an optimizer step by hand), as
        // in PyTorch; a graph output never, since its backward has saved what it was.
        if t.requiresGrad && (GradMode.isEnabled || !t.isLeaf) {
            throw LuaMessageError(
                t.isLeaf
                    ? "t[i] = v: t requires grad; write inside tensor.no_grad(function() ... end) or into t:detach()"
                    : "t[i] = v: t is the output of \(t.gradFunctionName ?? "an operation") in the autograd graph; write into a clone"
            )
        }
        if zip(t.shape, t.strides).contains(where: { $0.0 > 1 && $0.1 == 0 }) {
            throw LuaMessageError(
                "t[i] = v: t is an expanded view whose elements share memory; write into t:contiguous()")
        }
        let slice = try t.detached().select(axis: 0, index: index)
        let source: Tensor
        switch call.value(at: 3) {
        case .object(let object as Tensor): source = object
        case .integer(let i): source = Tensor.full([], Double(i), dtype: .int64)
        case .number(let x): source = Tensor.full([], x, dtype: .float64)
        case .boolean(let b): source = Tensor(scalar: b)
        default: throw LuaMessageError("t[i] = v: number, boolean or Tensor expected, got \(call.typeName(at: 3))")
        }
        do {
            // As PyTorch's setitem, leading size-1 axes of the value are dropped first.
            var value = source.detached()
            while value.rank > slice.rank, value.shape[0] == 1 { value = try value.squeezed(at: 0) }
            try slice.assign(value.expanded(to: slice.shape))
        } catch let error as TensorError {
            throw LuaMessageError(
                "t[i] = v: a value of shape \(shapeText(source.shape)) does not fit a slice of shape \(shapeText(slice.shape)) (\(error))"
            )
        }
    }
}
