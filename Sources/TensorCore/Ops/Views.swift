/// Views: tensors that share storage with their base and differ only in shape, strides and
/// offset. Each op's backward sits beside it.
extension Tensor {
    /// A tensor over the same storage with another layout (not recorded).
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// The sub-tensor at `index` along `axis`; the axis disappears (`x[i]` in PyTorch).
    public func select(axis: Int, index: Int) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "select")
        guard rank > 0 else { throw TensorError.shape("select: cannot select from a 0-d tensor") }
        let i = index < 0 ? index + shape[a] : index
        guard i >= 0, i < shape[a] else {
            throw TensorError.invalidArgument(
                "select: index \(index) is out of range for axis \(axis) of size \(shape[a])")
        }
        var s = shape, st = strides
        s.remove(at: a)
        st.remove(at: a)
        let inputShape = shape, dtype = dtype
        return view(shape: s, strides: st, offset: offset + i * strides[a])
            .recorded("select", [self]) { g in
                let gx = Tensor.zeros(inputShape, dtype: dtype)
                try gx.select(axis: a, index: i).assign(g)
                return [gx]
            }
    }

    /// `length` elements of `axis` starting at `start`.
    public func narrow(axis: Int, start: Int, length: Int) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "narrow")
        guard rank > 0 else { throw TensorError.shape("narrow: cannot narrow a 0-d tensor") }
        let s0 = start < 0 ? start + shape[a] : start
        guard s0 >= 0, length >= 0, s0 + length <= shape[a] else {
            throw TensorError.invalidArgument(
                "narrow: start \(start) and length \(length) do not fit axis \(axis) of size \(shape[a])")
        }
        var s = shape
        s[a] = length
        let inputShape = shape, dtype = dtype
        return view(shape: s, strides: strides, offset: offset + s0 * strides[a])
            .recorded("narrow", [self]) { g in
                let gx = Tensor.zeros(inputShape, dtype: dtype)
                try gx.narrow(axis: a, start: s0, length: length).assign(g)
                return [gx]
            }
    }

    /// The same elements with the axes reordered: axis k of the result is `axes[k]` of `self`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank else {
            throw TensorError.shape("permute: \(axes.count) axes given for a tensor of rank \(rank)")
        }
        let p = try axes.map { try normalizeAxis($0, rank: rank, op: "permute") }
        guard Set(p).count == rank else {
            throw TensorError.invalidArgument("permute: axes \(axes) repeat an axis")
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (k, a) in p.enumerated() { inverse[a] = k }
        return view(shape: p.map { shape[$0] }, strides: p.map { strides[$0] }, offset: offset)
            .recorded("permute", [self]) { g in [try g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ axis0: Int, _ axis1: Int) throws -> Tensor {
        let a = try normalizeAxis(axis0, rank: rank, op: "transpose")
        let b = try normalizeAxis(axis1, rank: rank, op: "transpose")
        var p = Array(0..<rank)
        p.swapAt(a, b)
        return try permuted(p)
    }

    /// The transpose of a matrix (rank ≤ 2), as PyTorch's `t()`.
    public func t() throws -> Tensor {
        guard rank <= 2 else {
            throw TensorError.shape("t: expects a tensor of rank <= 2, got \(describe(shape)); use transpose")
        }
        return rank == 2 ? try transposed(0, 1) : self
    }

    /// A view broadcast to `shape` (size-1 axes repeat with stride 0; new leading axes may be
    /// added; -1 keeps a size).
    public func expanded(to newShape: [Int]) throws -> Tensor {
        guard newShape.count >= rank else {
            throw TensorError.shape("expand: cannot expand \(describe(shape)) to fewer axes \(describe(newShape))")
        }
        let lead = newShape.count - rank
        var s = newShape, st = [Int](repeating: 0, count: newShape.count)
        for k in 0..<rank {
            let target = newShape[lead + k]
            if target == -1 || target == shape[k] {
                s[lead + k] = shape[k]
                st[lead + k] = strides[k]
            } else if shape[k] == 1, target >= 0 {
                st[lead + k] = 0
            } else {
                throw TensorError.shape("expand: cannot expand \(describe(shape)) to \(describe(newShape))")
            }
        }
        guard s.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shape("expand: -1 is only allowed for existing axes, got \(describe(newShape))")
        }
        let inputShape = shape
        return view(shape: s, strides: st, offset: offset)
            .recorded("expand", [self]) { g in [try g.summed(toShape: inputShape)] }
    }

    /// A view with a size-1 axis inserted at `axis` (which may equal the rank).
    public func unsqueezed(at axis: Int) throws -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        guard a >= 0, a <= rank else {
            throw TensorError.invalidArgument("unsqueeze: axis \(axis) is out of range for rank \(rank)")
        }
        var s = shape, st = strides
        s.insert(1, at: a)
        st.insert(a < rank ? strides[a] * shape[a] : 1, at: a)
        return view(shape: s, strides: st, offset: offset)
            .recorded("unsqueeze", [self]) { g in [try g.squeezed(at: a)] }
    }

    /// A view without the size-1 axis `axis` (unchanged if that axis is not size 1, as PyTorch),
    /// or without every size-1 axis when `axis` is nil.
    public func squeezed(at axis: Int? = nil) throws -> Tensor {
        var keep = Array(0..<rank)
        if let axis {
            let a = try normalizeAxis(axis, rank: rank, op: "squeeze")
            if rank > 0 && shape[a] == 1 { keep.remove(at: a) }
        } else {
            keep = keep.filter { shape[$0] != 1 }
        }
        let inputShape = shape
        return view(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
            .recorded("squeeze", [self]) { g in [try g.reshaped(inputShape)] }
    }

    /// A contiguous tensor with the same values (self when already contiguous).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = copied()
        return out.recorded("contiguous", [self]) { g in [g] }
    }

    /// The same elements in `newShape` (one size may be -1). A view when the strides allow one,
    /// a copy otherwise — as PyTorch's `reshape`.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let target = try inferShape(newShape, op: "reshape")
        let inputShape = shape
        if let st = viewStrides(for: target) {
            return view(shape: target, strides: st, offset: offset)
                .recorded("reshape", [self]) { g in [try g.reshaped(inputShape)] }
        }
        let c = copied()
        return c.view(shape: target, strides: Tensor.contiguousStrides(target), offset: 0)
            .recorded("reshape", [self]) { g in [try g.reshaped(inputShape)] }
    }

    /// Like ``reshaped(_:)`` but never copies (PyTorch's `view`).
    /// - Throws: when the layout cannot be viewed in the new shape.
    public func viewed(_ newShape: [Int]) throws -> Tensor {
        let target = try inferShape(newShape, op: "view")
        guard viewStrides(for: target) != nil else {
            throw TensorError.shape(
                "view: a tensor of shape \(describe(shape)) and strides \(describe(strides)) cannot be viewed as \(describe(target)); use reshape"
            )
        }
        return try reshaped(target)
    }

    /// Flattens axes `start...end` into one.
    public func flattened(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshaped([1]) }
        let a = try normalizeAxis(start, rank: rank, op: "flatten")
        let b = try normalizeAxis(end, rank: rank, op: "flatten")
        guard a <= b else { throw TensorError.invalidArgument("flatten: start axis \(start) is after end axis \(end)") }
        let merged = shape[a...b].reduce(1, *)
        return try reshaped(Array(shape[..<a]) + [merged] + Array(shape[(b + 1)...]))
    }

    private func inferShape(_ s: [Int], op: String) throws -> [Int] {
        let unknown = s.indices.filter { s[$0] == -1 }
        guard unknown.count <= 1, s.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.shape("\(op): invalid shape \(describe(s))")
        }
        var out = s
        if let u = unknown.first {
            let known = s.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shape("\(op): shape \(describe(s)) is invalid for \(count) elements")
            }
            out[u] = count / known
        }
        guard out.reduce(1, *) == count else {
            throw TensorError.shape("\(op): shape \(describe(s)) is invalid for input of shape \(describe(shape))")
        }
        return out
    }

    /// Strides that give `target` over this layout without copying, or nil. The input axes fall
    /// into chunks that step through memory as one block; a view may split or merge axes only
    /// within a chunk (the rule PyTorch's `view` applies).
    private func viewStrides(for target: [Int]) -> [Int]? {
        if isContiguous || count == 0 { return Tensor.contiguousStrides(target) }
        var out = [Int](repeating: 0, count: target.count)
        var viewAxis = target.count - 1
        var chunkStride = strides[rank - 1]
        var chunkCount = 1, viewCount = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            chunkCount *= shape[axis]
            let chunkEnds =
                axis == 0
                || (shape[axis - 1] != 1 && strides[axis - 1] != chunkCount * chunkStride)
            guard chunkEnds else { continue }
            while viewAxis >= 0 && (viewCount < chunkCount || target[viewAxis] == 1) {
                out[viewAxis] = viewCount * chunkStride
                viewCount *= target[viewAxis]
                viewAxis -= 1
            }
            if viewCount != chunkCount { return nil }
            if axis > 0 {
                chunkStride = strides[axis - 1]
                chunkCount = 1
                viewCount = 1
            }
        }
        return viewAxis == -1 ? out : nil
    }
}
