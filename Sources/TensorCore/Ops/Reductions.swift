/// Reductions over any set of axes (all axes by default), with `keepingAxes` to keep reduced
/// axes as size 1 — PyTorch's `keepdim`.
extension Tensor {
    /// Σ over `axes`.
    public func sum(axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, op: "sum")
        let y = try reduceKernel(self, plan, .sum).reshaped(keepingAxes ? plan.keptShape : plan.droppedShape).detached()
        let inputShape = shape
        return y.recorded("sum", [self]) { g in
            [try g.reshaped(plan.keptShape).expanded(to: inputShape)]
        }
    }

    /// The mean over `axes` (floating-point result).
    public func mean(axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, op: "mean")
        let x = dtype.isComputeFloat ? self : converted(to: .float32)
        return try x.sum(axes: axes, keepingAxes: keepingAxes) / Double(plan.reducedCount)
    }

    /// The largest value over `axes`; ties share the gradient evenly (PyTorch's `amax`).
    public func amax(axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepingAxes: keepingAxes, kind: .max, op: "amax")
    }

    /// The smallest value over `axes` (PyTorch's `amin`).
    public func amin(axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        try extreme(axes: axes, keepingAxes: keepingAxes, kind: .min, op: "amin")
    }

    private func extreme(axes: [Int]?, keepingAxes: Bool, kind: ReduceKind, op: String) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, op: op)
        guard plan.reducedCount > 0 else {
            throw TensorError.shape("\(op): cannot reduce an empty axis of \(describe(shape))")
        }
        let values = try reduceKernel(self, plan, kind).reshaped(plan.keptShape).detached()
        let x = self
        let y = try values.reshaped(keepingAxes ? plan.keptShape : plan.droppedShape).detached()
        return y.recorded(op, [x]) { g in
            let hits = try x.eq(values).converted(to: g.dtype)
            let share = try hits / hits.sum(axes: plan.axes, keepingAxes: true)
            return [try g.reshaped(plan.keptShape) * share]
        }
    }

    /// The largest values along `axis` and their indices (int64, 0-based), as `torch.max(x, dim)`.
    /// The gradient flows to the selected element.
    public func max(axis: Int, keepingAxes: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremeAlong(axis, keepingAxes, .argmax, op: "max")
    }

    /// The smallest values along `axis` and their indices.
    public func min(axis: Int, keepingAxes: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremeAlong(axis, keepingAxes, .argmin, op: "min")
    }

    private func extremeAlong(_ axis: Int, _ keep: Bool, _ kind: ReduceKind, op: String) throws -> (
        values: Tensor, indices: Tensor
    ) {
        let a = try normalizeAxis(axis, rank: rank, op: op)
        let indices = try arg(axis: a, keepingAxes: true, kind: kind, op: op)
        let values = try gathered(axis: a, indices: indices)
        return keep ? (values, indices) : (try values.squeezed(at: a), try indices.squeezed(at: a))
    }

    /// Index (0-based, int64) of the largest value along `axis`, or in the flattened tensor.
    public func argmax(axis: Int? = nil, keepingAxes: Bool = false) throws -> Tensor {
        try arg(axis: axis, keepingAxes: keepingAxes, kind: .argmax, op: "argmax")
    }

    /// Index of the smallest value along `axis`, or in the flattened tensor.
    public func argmin(axis: Int? = nil, keepingAxes: Bool = false) throws -> Tensor {
        try arg(axis: axis, keepingAxes: keepingAxes, kind: .argmin, op: "argmin")
    }

    private func arg(axis: Int?, keepingAxes: Bool, kind: ReduceKind, op: String) throws -> Tensor {
        guard let axis else {
            let flat = try reshaped([count])
            return try flat.arg(axis: 0, keepingAxes: false, kind: kind, op: op)
        }
        let plan = try ReductionPlan(shape: shape, axes: [axis], op: op)
        guard plan.reducedCount > 0 else {
            throw TensorError.shape("\(op): cannot reduce an empty axis of \(describe(shape))")
        }
        return try reduceKernel(self, plan, kind).reshaped(keepingAxes ? plan.keptShape : plan.droppedShape).detached()
    }

    /// Variance over `axes` with Bessel's correction by default (`correction: 1`, as PyTorch).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepingAxes: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, op: "var")
        let x = dtype.isComputeFloat ? self : converted(to: .float32)
        let centered = try x - x.mean(axes: axes, keepingAxes: true)
        let dof = Double(Swift.max(plan.reducedCount - correction, 0))
        return try (centered * centered).sum(axes: axes, keepingAxes: keepingAxes) / dof
    }

    /// Standard deviation over `axes` (square root of ``variance(axes:correction:keepingAxes:)``).
    public func standardDeviation(axes: [Int]? = nil, correction: Int = 1, keepingAxes: Bool = false) throws -> Tensor {
        try variance(axes: axes, correction: correction, keepingAxes: keepingAxes).sqrt()
    }

    /// The p-norm over `axes`: (Σ|x|ᵖ)^(1/p); p = 2 by default.
    public func norm(p: Double = 2, axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        guard p > 0 else { throw TensorError.invalidArgument("norm: p must be positive, got \(p)") }
        let x = dtype.isComputeFloat ? self : converted(to: .float32)
        if p == 2 { return try (x * x).sum(axes: axes, keepingAxes: keepingAxes).sqrt() }
        return try x.abs().pow(p).sum(axes: axes, keepingAxes: keepingAxes).pow(1 / p)
    }

    /// log Σ exp(x) over `axes`, computed stably by subtracting the maximum first.
    public func logSumExp(axes: [Int]? = nil, keepingAxes: Bool = false) throws -> Tensor {
        let x = dtype.isComputeFloat ? self : converted(to: .float32)
        let m0 = try x.detached().amax(axes: axes, keepingAxes: true)
        // An all −inf slice has max −inf; shift by 0 there so the result is −inf, not NaN.
        let m = try Tensor.where(m0.abs().eq(.infinity), Tensor.zeros([], dtype: m0.dtype), m0)
        let s = try (x - m).exp().sum(axes: axes, keepingAxes: true).log() + m
        return keepingAxes ? s : try s.squeezed(axes: ReductionPlan(shape: shape, axes: axes, op: "logsumexp").axes)
    }

    /// Removes the given size-1 axes.
    func squeezed(axes: [Int]) throws -> Tensor {
        var t = self
        for a in axes.sorted(by: >) { t = try t.squeezed(at: a) }
        return t
    }
}
