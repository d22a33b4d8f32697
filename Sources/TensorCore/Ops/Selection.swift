/// Comparisons, `where`, `masked_fill` and `clamp`.
extension Tensor {
    public func eq(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .eq) }
    public func ne(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .ne) }
    public func lt(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .lt) }
    public func le(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .le) }
    public func gt(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .gt) }
    public func ge(_ other: Tensor) throws -> Tensor { try comparisonKernel(self, other, .ge) }
    public func eq(_ v: Double) throws -> Tensor { try eq(scalarOperand(v)) }
    public func ne(_ v: Double) throws -> Tensor { try ne(scalarOperand(v)) }
    public func lt(_ v: Double) throws -> Tensor { try lt(scalarOperand(v)) }
    public func le(_ v: Double) throws -> Tensor { try le(scalarOperand(v)) }
    public func gt(_ v: Double) throws -> Tensor { try gt(scalarOperand(v)) }
    public func ge(_ v: Double) throws -> Tensor { try ge(scalarOperand(v)) }

    /// Elements of `a` where `condition` is true and of `b` elsewhere, all three broadcast.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard condition.dtype == .bool else {
            throw TensorError.invalidArgument("where: the condition must be a bool tensor, not \(condition.dtype)")
        }
        let type = promotedType(a.dtype, b.dtype)
        let ab = try Broadcast.shape(a.shape, b.shape, op: "where")
        let shape = try Broadcast.shape(condition.shape, ab, op: "where")
        let x = a.detached().converted(to: type), y = b.detached().converted(to: type)
        let out = Tensor(uninitialized: shape, dtype: type)
        let loop = StridedLoop(
            shape: shape,
            strides: [condition, x, y].map { Broadcast.strides(of: $0, to: shape) } + [out.strides],
            origins: [condition.offset, x.offset, y.offset, 0])
        func run<T>(_: T.Type) {
            let pc = condition.storage.base.assumingMemoryBound(to: Bool.self)
            let px = x.storage.base.assumingMemoryBound(to: T.self)
            let py = y.storage.base.assumingMemoryBound(to: T.self)
            let po = out.storage.base.assumingMemoryBound(to: T.self)
            let s = loop.innerStrides
            loop.forEachSegmentInParallel { off, n in
                for i in 0..<n {
                    po[off[3] + i * s[3]] = pc[off[0] + i * s[0]] ? px[off[1] + i * s[1]] : py[off[2] + i * s[2]]
                }
            }
        }
        switch type.byteCount {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        default: run(UInt64.self)
        }
        return out.recorded("where", [a, b]) { g in
            let zero = Tensor.zeros([], dtype: g.dtype)
            return [
                a.requiresGrad ? try Tensor.where(condition, g, zero).summed(toShape: a.shape) : nil,
                b.requiresGrad ? try Tensor.where(condition, zero, g).summed(toShape: b.shape) : nil,
            ]
        }
    }

    /// `self` with `value` wherever `mask` (bool, broadcast to this shape) is true.
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        let shape = try Broadcast.shape(mask.shape, self.shape, op: "masked_fill")
        guard shape == self.shape else {
            throw TensorError.shape(
                "masked_fill: mask \(describe(mask.shape)) does not broadcast to \(describe(self.shape))")
        }
        return try Tensor.where(mask, Tensor.full([], value, dtype: dtype), self)
    }

    /// Elements limited to `[min, max]` (either bound may be nil). The gradient passes where
    /// `min ≤ x ≤ max`.
    public func clamped(min lower: Double? = nil, max upper: Double? = nil) throws -> Tensor {
        guard lower != nil || upper != nil else {
            throw TensorError.invalidArgument("clamp: give at least one of min and max")
        }
        var y = self.detached()
        if let lower { y = try binaryKernel(y, scalarOperand(lower), .maximum) }
        if let upper { y = try binaryKernel(y, scalarOperand(upper), .minimum) }
        let x = self
        return y.recorded("clamp", [x]) { g in
            var inside = Tensor.full(x.shape, 1, dtype: .bool)
            if let lower { inside = try Tensor.where(x.ge(lower), inside, Tensor(scalar: false)) }
            if let upper { inside = try Tensor.where(x.le(upper), inside, Tensor(scalar: false)) }
            return [try g * inside.converted(to: g.dtype)]
        }
    }
}
