#if canImport(Glibc)
import Glibc
#endif

/// softmax and log_softmax along one axis, as fused row kernels (max, exp-sum and scale in two
/// passes over each row), with fused backward kernels.
extension Tensor {
    /// exp(x − max) / Σ exp(x − max) along `axis`.
    public func softmax(axis: Int) throws -> Tensor {
        try alongAxis(axis, op: "softmax") { rows in
            let y = softmaxRows(rows, log: false), saved = y.detached()  // not `y`: a cycle (see Pointwise.swift)
            return y.recorded("softmax", [rows]) { g in [softmaxBackwardRows(g.contiguous(), saved, log: false)] }
        }
    }

    /// x − max − log Σ exp(x − max) along `axis`.
    public func logSoftmax(axis: Int) throws -> Tensor {
        try alongAxis(axis, op: "log_softmax") { rows in
            let y = softmaxRows(rows, log: true), saved = y.detached()  // not `y`: a cycle (see Pointwise.swift)
            return y.recorded("log_softmax", [rows]) { g in [softmaxBackwardRows(g.contiguous(), saved, log: true)] }
        }
    }

    /// Runs a last-axis row function on `axis` by moving that axis last (copying only when
    /// needed) and moving it back.
    func alongAxis(_ axis: Int, op: String, _ f: (Tensor) throws -> Tensor) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: op)
        let x = dtype.isComputeFloat ? self : converted(to: .float32)
        if rank == 0 { return try f(x.reshaped([1])).reshaped([]) }
        if a == rank - 1 { return try f(x.contiguous()) }
        let moved = try x.transposed(a, rank - 1).contiguous()
        return try f(moved).transposed(a, rank - 1)
    }
}

/// Softmax or log-softmax of each last-axis row of a contiguous float tensor.
private func softmaxRows(_ x: Tensor, log: Bool) -> Tensor {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let n = x.shape.last ?? 1, rows = n == 0 ? 0 : x.count / n
    if x.dtype == .float64 {
        let s = x.pointer(as: Double.self), d = out.pointer(as: Double.self)
        for r in 0..<rows {
            let row = s + r * n, o = d + r * n
            var m = -Double.infinity
            for i in 0..<n { m = Swift.max(m, row[i]) }
            if m == -.infinity { m = 0 }
            var total = 0.0
            for i in 0..<n { total += Glibc.exp(row[i] - m) }
            for i in 0..<n { o[i] = log ? row[i] - m - Glibc.log(total) : Glibc.exp(row[i] - m) / total }
        }
        return out
    }
    let s = x.pointer(as: Float.self), d = out.pointer(as: Float.self)
    Parallel.forEachRange(count: rows, cost: n * 4) { range in
        for r in range {
            let row = s + r * n, o = d + r * n
            var m = maxFloats(row, n)
            if m == -.infinity { m = 0 }  // an all −inf row gives NaN (softmax) / −inf, as PyTorch
            let shift = Vec(repeating: m)
            VectorMath.map(row, o, n, ShiftedExp(shift: shift))
            let total = sumFloats(o, n)
            if log {
                let c = Vec(repeating: m + Glibc.logf(total))
                VectorMath.map(row, o, n) { $0 - c }
            } else {
                let inv = Vec(repeating: 1 / total)
                VectorMath.map(o, o, n) { $0 * inv }
            }
        }
    }
    return out
}

/// e^(x − shift), lane by lane: the exponentials of a softmax row.
private struct ShiftedExp: LaneFunction {
    let shift: Vec
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.exp(x - shift) }
}

/// softmax: gx = y ⊙ (g − Σ g⊙y); log_softmax: gx = g − eʸ Σ g.
private func softmaxBackwardRows(_ g: Tensor, _ y: Tensor, log: Bool) -> Tensor {
    let out = Tensor(uninitialized: y.shape, dtype: y.dtype)
    let n = y.shape.last ?? 1, rows = n == 0 ? 0 : y.count / n
    if y.dtype == .float64 {
        let pg = g.pointer(as: Double.self), py = y.pointer(as: Double.self), po = out.pointer(as: Double.self)
        for r in 0..<rows {
            let gr = pg + r * n, yr = py + r * n, o = po + r * n
            var dot = 0.0
            for i in 0..<n { dot += log ? gr[i] : gr[i] * yr[i] }
            for i in 0..<n { o[i] = log ? gr[i] - Glibc.exp(yr[i]) * dot : yr[i] * (gr[i] - dot) }
        }
        return out
    }
    let pg = g.pointer(as: Float.self), py = y.pointer(as: Float.self), po = out.pointer(as: Float.self)
    Parallel.forEachRange(count: rows, cost: n * 3) { range in
        for r in range {
            let gr = pg + r * n, yr = py + r * n, o = po + r * n
            if log {
                let total = Vec(repeating: sumFloats(gr, n))
                VectorMath.map(gr, yr, o, n) { gv, yv in gv - VectorMath.exp(yv) * total }
            } else {
                VectorMath.map(gr, yr, o, n) { $0 * $1 }
                let dot = Vec(repeating: sumFloats(o, n))
                VectorMath.map(gr, yr, o, n) { gv, yv in yv * (gv - dot) }
            }
        }
    }
    return out
}
