/// Matrix products on BLAS `gemm`. Transposed views are passed to BLAS as transposes, not
/// copied; batch axes broadcast (PyTorch's `matmul`).
extension Tensor {
    /// The matrix product with `torch.matmul`'s rules: 1-D operands are promoted to a row or a
    /// column and the added axis removed again; leading batch axes broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.shape(
                "matmul: both operands need at least one axis, got \(describe(shape)) and \(describe(other.shape))")
        }
        guard dtype.isComputeFloat || dtype.isFloatingPoint, other.dtype.isFloatingPoint else {
            throw TensorError.invalidArgument("matmul: float tensors expected, got \(dtype) and \(other.dtype)")
        }
        let a = rank == 1 ? try unsqueezed(at: 0) : self
        let b = other.rank == 1 ? try other.unsqueezed(at: 1) : other
        var y = try a.matmul2D(b, shapes: (shape, other.shape))
        if other.rank == 1 { y = try y.squeezed(at: -1) }
        // After the column axis went, a vector · vector product has one axis left, not two.
        if rank == 1 { y = try y.squeezed(at: other.rank == 1 ? -1 : -2) }
        return y
    }

    /// `[..., M, K] @ [..., K, N]` with broadcast batch axes.
    private func matmul2D(_ other: Tensor, shapes: ([Int], [Int])) throws -> Tensor {
        let m = shape[rank - 2], k = shape[rank - 1], k2 = other.shape[other.rank - 2], n = other.shape[other.rank - 1]
        guard k == k2 else {
            throw TensorError.shape(
                "matmul: shapes \(describe(shapes.0)) and \(describe(shapes.1)) cannot be multiplied (\(k) vs \(k2))")
        }
        let batch = try Broadcast.shape(Array(shape.dropLast(2)), Array(other.shape.dropLast(2)), op: "matmul")
        let type = promotedType(dtype, other.dtype)
        let a = self.detached().converted(to: type), b = other.detached().converted(to: type)
        let out =
            k > 0 ? Tensor(uninitialized: batch + [m, n], dtype: type) : Tensor(zeros: batch + [m, n], dtype: type)
        try batchedGemm(a, b, out, batch: batch, m: m, n: n, k: k)
        let x = self, y = other
        return out.recorded("matmul", [x, y]) { g in
            [
                x.requiresGrad ? try g.matmul(y.transposed(-1, -2)).summed(toShape: x.shape) : nil,
                y.requiresGrad ? try x.transposed(-1, -2).matmul(g).summed(toShape: y.shape) : nil,
            ]
        }
    }
}

/// How BLAS reads a strided matrix: row-major as is, or as the transpose of a row-major matrix.
struct MatrixLayout {
    let transposed: Bool
    let leadingDimension: Int

    /// The layout of a `rows × cols` view with the given strides, or nil if BLAS cannot read it.
    init?(rows: Int, cols: Int, rowStride: Int, colStride: Int) {
        if cols == 1 || colStride == 1 {
            let ld = rows == 1 ? Swift.max(cols, 1) : rowStride
            if ld >= Swift.max(cols, 1) { transposed = false; leadingDimension = ld; return }
        }
        if rows == 1 || rowStride == 1 {
            let ld = cols == 1 ? Swift.max(rows, 1) : colStride
            if ld >= Swift.max(rows, 1) { transposed = true; leadingDimension = ld; return }
        }
        return nil
    }
}

/// out[b] = a[b] · b[b] for every batch index, one gemm per matrix.
private func batchedGemm(_ a0: Tensor, _ b0: Tensor, _ out: Tensor, batch: [Int], m: Int, n: Int, k: Int) throws {
    func layout(_ t: Tensor, _ r: Int, _ c: Int) -> (Tensor, MatrixLayout) {
        if let l = MatrixLayout(rows: r, cols: c, rowStride: t.strides[t.rank - 2], colStride: t.strides[t.rank - 1]) {
            return (t, l)
        }
        let copy = t.copied()
        return (copy, MatrixLayout(rows: r, cols: c, rowStride: c, colStride: 1)!)
    }
    let (a, la) = layout(a0, m, k), (b, lb) = layout(b0, k, n)
    if out.count == 0 { return }
    let batchStrides = [a, b].map { Broadcast.strides(of: $0.batchView(), to: batch) }
    let outBatch = Array(out.strides.dropLast(2))
    let loop = StridedLoop(shape: batch, strides: batchStrides + [outBatch], origins: [a.offset, b.offset, 0])
    var offsets: [(Int, Int, Int)] = []
    offsets.reserveCapacity(loop.count)
    let s = loop.innerStrides
    loop.forEachSegment(in: 0..<loop.count) { off, cnt in
        for i in 0..<cnt { offsets.append((off[0] + i * s[0], off[1] + i * s[1], off[2] + i * s[2])) }
    }
    for (oa, ob, oc) in offsets {
        try Interrupt.check()
        if k == 0 { continue }  // the output stays zero
        if out.dtype == .float64 {
            let pa = a.storage.base.assumingMemoryBound(to: Double.self),
                pb = b.storage.base.assumingMemoryBound(to: Double.self)
            BLAS.gemm(
                transA: la.transposed, transB: lb.transposed, m: m, n: n, k: k, alpha: 1,
                a: pa + oa, lda: la.leadingDimension, b: pb + ob, ldb: lb.leadingDimension,
                beta: 0, c: out.pointer(as: Double.self) + oc, ldc: n)
        } else {
            let pa = a.storage.base.assumingMemoryBound(to: Float.self),
                pb = b.storage.base.assumingMemoryBound(to: Float.self)
            BLAS.gemm(
                transA: la.transposed, transB: lb.transposed, m: m, n: n, k: k, alpha: 1,
                a: pa + oa, lda: la.leadingDimension, b: pb + ob, ldb: lb.leadingDimension,
                beta: 0, c: out.pointer(as: Float.self) + oc, ldc: n)
        }
    }
}

extension Tensor {
    /// The batch axes of a matrix stack: this tensor without its last two axes (a view).
    func batchView() -> Tensor {
        view(shape: Array(shape.dropLast(2)), strides: Array(strides.dropLast(2)), offset: offset)
    }
}
