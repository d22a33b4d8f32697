/// Index-driven ops: gather, scatter_add, index_select, index_add and embedding lookup.
/// Index tensors hold 0-based int64 positions, as in PyTorch; negative or too-large positions
/// are errors that name the op, the index and the size.
extension Tensor {
    /// out[p] = self[p with `axis` replaced by index[p]]; `index` has this tensor's rank and is no
    /// larger on the other axes (`torch.gather`).
    public func gathered(axis: Int, indices: Tensor) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "gather")
        try checkIndexTensor(indices, op: "gather", sameRank: true, axis: a)
        let out = Tensor(uninitialized: indices.shape, dtype: dtype)
        let idx = indices.contiguous()
        for (position, sourceOffset) in try indexedOffsets(idx, axis: a, in: self, op: "gather") {
            copyElement(from: self, at: sourceOffset, to: out, at: position)
        }
        let x = self
        return out.recorded("gather", [x]) { g in
            [try Tensor.zeros(x.shape, dtype: g.dtype).scatterAdding(axis: a, indices: idx, source: g)]
        }
    }

    /// A copy of `self` with `source[p]` added at position p with `axis` replaced by index[p]
    /// (`torch.scatter_add`). `indices` and `source` have the same shape.
    public func scatterAdding(axis: Int, indices: Tensor, source: Tensor) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "scatter_add")
        try checkIndexTensor(indices, op: "scatter_add", sameRank: true, axis: a)
        guard source.shape == indices.shape else {
            throw TensorError.shape(
                "scatter_add: source \(describe(source.shape)) and index \(describe(indices.shape)) differ")
        }
        let out = copied()
        let idx = indices.contiguous(), src = source.converted(to: dtype).contiguous()
        for (position, targetOffset) in try indexedOffsets(idx, axis: a, in: out, op: "scatter_add") {
            addElement(from: src, at: position, to: out, at: targetOffset)
        }
        let x = self
        return out.recorded("scatter_add", [x, source]) { g in
            [x.requiresGrad ? g : nil, source.requiresGrad ? try g.gathered(axis: a, indices: idx) : nil]
        }
    }

    /// The slices at `indices` (1-D int64) along `axis`, in that order (`torch.index_select`).
    public func indexSelect(axis: Int, indices: Tensor) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "index_select")
        guard indices.rank <= 1, indices.dtype == .int64 else {
            throw TensorError.invalidArgument(
                "index_select: indices must be a 1-D int64 tensor, got \(indices.dtype) \(describe(indices.shape))")
        }
        let ids = indices.toArray(of: Int64.self)
        try checkRange(ids, size: shape[a], op: "index_select")
        var outShape = shape
        outShape[a] = ids.count
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        let src = detached()
        for (i, id) in ids.enumerated() {
            try out.select(axis: a, index: i).assign(src.select(axis: a, index: Int(id)))
        }
        let inputShape = shape
        return out.recorded("index_select", [self]) { g in
            [try Tensor.zeros(inputShape, dtype: g.dtype).indexAdding(axis: a, indices: ids, source: g)]
        }
    }

    /// A copy with `source`'s slice i added to the slice `indices[i]` along `axis`.
    func indexAdding(axis a: Int, indices ids: [Int64], source: Tensor) throws -> Tensor {
        let out = copied()
        for (i, id) in ids.enumerated() {
            try out.select(axis: a, index: Int(id)).accumulate(source.detached().select(axis: a, index: i))
        }
        return out
    }

    /// Rows of this `[num, D]` table picked by `ids` (int64, any shape) → `ids.shape + [D]`.
    public func embedding(_ ids: Tensor) throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.shape("embedding: the table must be [num, dim], got \(describe(shape))")
        }
        guard ids.dtype == .int64 else {
            throw TensorError.invalidArgument("embedding: ids must be int64, got \(ids.dtype)")
        }
        return try indexSelect(axis: 0, indices: ids.reshaped([ids.count])).reshaped(ids.shape + [shape[1]])
    }

    // MARK: - Helpers

    private func checkIndexTensor(_ indices: Tensor, op: String, sameRank: Bool, axis: Int) throws {
        guard indices.dtype == .int64 else {
            throw TensorError.invalidArgument("\(op): index must be int64, got \(indices.dtype)")
        }
        guard indices.rank == rank else {
            throw TensorError.shape(
                "\(op): index \(describe(indices.shape)) must have the rank of input \(describe(shape))")
        }
        for d in 0..<rank where d != axis && indices.shape[d] > shape[d] {
            throw TensorError.shape(
                "\(op): index \(describe(indices.shape)) is larger than input \(describe(shape)) on axis \(d)")
        }
    }

    /// For each element of the contiguous index tensor `idx`: its flat position, and the storage
    /// offset in `other` of the element it selects (its own position with `axis` replaced).
    private func indexedOffsets(_ idx: Tensor, axis: Int, in other: Tensor, op: String) throws -> [(Int, Int)] {
        var base = other.strides
        base[axis] = 0
        let loop = StridedLoop(
            shape: idx.shape, strides: [Tensor.contiguousStrides(idx.shape), base], origins: [0, other.offset])
        let p = idx.pointer(as: Int64.self), size = other.shape[axis], step = other.strides[axis]
        var result: [(Int, Int)] = []
        result.reserveCapacity(idx.count)
        var bad: Int64?
        let s = loop.innerStrides
        loop.forEachSegment(in: 0..<loop.count) { off, n in
            for i in 0..<n where bad == nil {
                let position = off[0] + i * s[0]
                let id = p[position]
                if id < 0 || id >= size { bad = id; return }
                result.append((position, off[1] + i * s[1] + Int(id) * step))
            }
        }
        if let bad {
            throw TensorError.invalidArgument("\(op): index \(bad) is out of range for axis \(axis) of size \(size)")
        }
        return result
    }

    /// Adds `source` into this tensor's elements in place (through its strides).
    func accumulate(_ source: Tensor) throws {
        let sum = try self.detached() + source.detached()
        copyElements(from: sum, to: self)
    }
}

private func checkRange(_ ids: [Int64], size: Int, op: String) throws {
    if let bad = ids.first(where: { $0 < 0 || $0 >= size }) {
        throw TensorError.invalidArgument("\(op): index \(bad) is out of range for an axis of size \(size)")
    }
}

private func copyElement(from src: Tensor, at s: Int, to dst: Tensor, at d: Int) {
    let n = src.dtype.byteCount
    (dst.storage.base + (dst.offset + d) * n).copyMemory(from: src.storage.base + s * n, byteCount: n)
}

private func addElement(from src: Tensor, at s: Int, to dst: Tensor, at d: Int) {
    switch dst.dtype {
    case .float32: dst.storage.base.assumingMemoryBound(to: Float.self)[d] += src.pointer(as: Float.self)[s]
    case .float64: dst.storage.base.assumingMemoryBound(to: Double.self)[d] += src.pointer(as: Double.self)[s]
    case .int64: dst.storage.base.assumingMemoryBound(to: Int64.self)[d] &+= src.pointer(as: Int64.self)[s]
    default: break
    }
}
