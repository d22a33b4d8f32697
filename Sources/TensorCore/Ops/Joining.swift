/// cat, stack and split.
extension Tensor {
    /// Joins tensors along an existing `axis`; all other sizes must agree (`torch.cat`).
    public static func cat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument("cat: expected a non-empty list of tensors")
        }
        let a = try normalizeAxis(axis, rank: first.rank, op: "cat")
        guard first.rank > 0 else { throw TensorError.shape("cat: zero-dimensional tensors cannot be concatenated") }
        var type = first.dtype
        for (i, t) in tensors.enumerated() {
            guard t.rank == first.rank, t.shape.indices.allSatisfy({ $0 == a || t.shape[$0] == first.shape[$0] }) else {
                throw TensorError.shape(
                    "cat: tensor \(i + 1) has shape \(describe(t.shape)), which does not match \(describe(first.shape)) outside axis \(axis)"
                )
            }
            type = promotedType(type, t.dtype)
        }
        if tensors.allSatisfy({ $0.dtype == .bool }) { type = .bool }
        var outShape = first.shape
        outShape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        let out = Tensor(uninitialized: outShape, dtype: type)
        var start = 0
        var sizes: [Int] = []
        for t in tensors {
            let size = t.shape[a]
            try out.detached().narrow(axis: a, start: start, length: size).assign(t.detached())
            start += size
            sizes.append(size)
        }
        return out.recorded("cat", tensors) { g in
            var offset = 0
            return try zip(tensors, sizes).map { t, size in
                defer { offset += size }
                return t.requiresGrad ? try g.narrow(axis: a, start: offset, length: size).contiguous() : nil
            }
        }
    }

    /// Joins same-shaped tensors along a new `axis` (`torch.stack`).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument("stack: expected a non-empty list of tensors")
        }
        if let (i, t) = tensors.enumerated().first(where: { $0.element.shape != first.shape }) {
            throw TensorError.shape(
                "stack: tensor \(i + 1) has shape \(describe(t.shape)), expected \(describe(first.shape))")
        }
        let a = axis < 0 ? axis + first.rank + 1 : axis
        guard a >= 0, a <= first.rank else {
            throw TensorError.invalidArgument("stack: axis \(axis) is out of range for rank \(first.rank + 1)")
        }
        return try cat(tensors.map { try $0.unsqueezed(at: a) }, axis: a)
    }

    /// Views of consecutive pieces of `size` along `axis` (the last may be shorter).
    public func split(size: Int, axis: Int = 0) throws -> [Tensor] {
        let a = try normalizeAxis(axis, rank: rank, op: "split")
        guard size > 0 else { throw TensorError.invalidArgument("split: size must be positive, got \(size)") }
        return try stride(from: 0, to: shape[a], by: size).map { start in
            try narrow(axis: a, start: start, length: Swift.min(size, shape[a] - start))
        }
    }

    /// Views of pieces with the given sizes along `axis`; the sizes must add up to the axis.
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let a = try normalizeAxis(axis, rank: rank, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw TensorError.shape("split: sizes \(sizes) do not add up to \(shape[a]), the size of axis \(axis)")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try narrow(axis: a, start: start, length: size)
        }
    }
}
