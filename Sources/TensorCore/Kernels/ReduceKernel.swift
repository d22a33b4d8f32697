/// Reductions over a set of axes, by bringing the reduced axes last and reducing rows.
///
/// A contiguous input whose reduced axes are already the trailing ones is reduced in place as
/// rows; one whose reduced axes are the leading ones (bias gradients: `[B·L, D]` → `[D]`) is
/// reduced as columns without a copy; anything else is first permuted into a contiguous copy.
enum ReduceKind { case sum, max, min, argmax, argmin }

struct ReductionPlan {
    /// Reduced axes, sorted.
    let axes: [Int]
    /// Output shape with reduced axes kept as size 1, and with them dropped.
    let keptShape: [Int], droppedShape: [Int]
    /// Elements per output (product of reduced sizes).
    let reducedCount: Int

    init(shape: [Int], axes requested: [Int]?, op: String) throws {
        let rank = shape.count
        let axes = try Set((requested ?? Array(0..<rank)).map { try normalizeAxis($0, rank: rank, op: op) }).sorted()
        let reduced = rank == 0 ? [] : axes
        self.axes = reduced
        keptShape = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        droppedShape = shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
        reducedCount = reduced.map { shape[$0] }.reduce(1, *)
    }
}

/// Reduces `x` (float32, float64 or int64, which stays exact; bool sums as int64) over
/// `plan.axes`; the result has `plan.droppedShape`. Arg-reductions return int64 indices into the
/// flattened reduced axes.
func reduceKernel(_ x0: Tensor, _ plan: ReductionPlan, _ kind: ReduceKind) -> Tensor {
    var x = x0
    if !(x.dtype == .float32 || x.dtype == .float64 || x.dtype == .int64) {
        x = x0.detached().converted(to: x0.dtype == .bool && kind == .sum ? .int64 : .float32)
    }
    let outType: DType = kind == .argmax || kind == .argmin ? .int64 : x.dtype
    let out = Tensor(zeros: plan.droppedShape, dtype: outType)
    let inner = plan.reducedCount, outer = out.count
    if outer == 0 { return out }
    let kept = x.shape.indices.filter { !plan.axes.contains($0) }
    let leadingReduced = plan.axes == Array(0..<plan.axes.count)
    if kind == .sum && x.isContiguous && leadingReduced && !plan.axes.isEmpty && !kept.isEmpty {
        sumColumns(x, rows: inner, columns: outer, into: out)
        return out
    }
    let rows =
        x.isContiguous && kept == Array(0..<kept.count)
        ? x
        : {
            let p = x.view(
                shape: (kept + plan.axes).map { x.shape[$0] }, strides: (kept + plan.axes).map { x.strides[$0] },
                offset: x.offset)
            return p.copied()
        }()
    switch rows.dtype {
    case .float32: reduceRows(rows.pointer(as: Float.self), out, outer, inner, kind)
    case .float64: reduceRows(rows.pointer(as: Double.self), out, outer, inner, kind)
    default: reduceRows(rows.pointer(as: Int64.self), out, outer, inner, kind)
    }
    return out
}

private func reduceRows<T: TensorScalar & Comparable & AdditiveArithmetic>(
    _ src: UnsafeMutablePointer<T>, _ out: Tensor, _ outer: Int, _ inner: Int, _ kind: ReduceKind
) {
    if kind == .sum, T.self == Float.self, outer < Parallel.threadCount, inner >= Parallel.grain {
        // Few long rows (a full sum): split each row across threads, then add the parts in order.
        let s = UnsafeMutableRawPointer(src).assumingMemoryBound(to: Float.self)
        let o = out.pointer(as: Float.self)
        for r in 0..<outer {
            let parts = Parallel.threadCount
            var partial = [Float](repeating: 0, count: parts)
            partial.withUnsafeMutableBufferPointer { p in
                let pb = UncheckedBox(p)
                Parallel.forEachRange(count: parts, cost: inner / parts) { range in
                    for k in range {
                        let lo = inner * k / parts, hi = inner * (k + 1) / parts
                        pb.value[k] = sumFloats(s + r * inner + lo, hi - lo)
                    }
                }
            }
            o[r] = partial.reduce(0, +)
        }
        return
    }
    Parallel.forEachRange(count: outer, cost: inner) { range in
        for r in range {
            let row = src + r * inner
            switch kind {
            case .sum:
                if T.self == Float.self {
                    out.pointer(as: Float.self)[r] = sumFloats(
                        UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), inner)
                } else {
                    var acc = T.zero
                    for i in 0..<inner { acc += row[i] }
                    out.pointer(as: T.self)[r] = acc
                }
            case .max, .min, .argmax, .argmin:
                let wantMax = kind == .max || kind == .argmax
                var best = 0
                for i in 1..<max(inner, 1) {
                    let v = row[i], b = row[best]
                    if isNaN(b) { break }
                    if isNaN(v) || (wantMax ? v > b : v < b) { best = i }
                }
                if kind == .argmax || kind == .argmin {
                    out.pointer(as: Int64.self)[r] = Int64(best)
                } else {
                    out.pointer(as: T.self)[r] = row[best]
                }
            }
        }
    }
}

/// NaN propagates through max/min and wins arg-reductions, as in PyTorch.
@inline(__always)
private func isNaN<T: Comparable>(_ v: T) -> Bool { v != v }

/// Sum of `n` floats with four 16-lane accumulators.
func sumFloats(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Vec(repeating: 0), a1 = a0, a2 = a0, a3 = a0
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 64 <= n {
        a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: Vec.self)
        a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: Vec.self)
        a2 += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: Vec.self)
        a3 += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: Vec.self)
        i += 64
    }
    var tail: Float = 0
    while i < n { tail += p[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)).sum() + tail
}

/// Largest of `n` floats (−∞ for none; NaN if any is NaN).
func maxFloats(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = Vec(repeating: -.infinity), nan = false
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 16 <= n {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: Vec.self)
        nan = nan || any(v .!= v)
        m.replace(with: v, where: v .> m)  // a blend; pointwiseMax is not inlined for SIMD16
        i += 16
    }
    var best = m.max()
    while i < n { nan = nan || p[i].isNaN; best = Swift.max(best, p[i]); i += 1 }
    return nan ? .nan : best
}

/// out[c] = Σ_r x[r, c] for a contiguous [rows, columns] input, columns split across threads.
private func sumColumns(_ x: Tensor, rows: Int, columns: Int, into out: Tensor) {
    func run<T: TensorScalar & AdditiveArithmetic>(_: T.Type) {
        let s = x.pointer(as: T.self), o = out.pointer(as: T.self)
        Parallel.forEachRange(count: columns, cost: rows) { range in
            for r in 0..<rows {
                let row = s + r * columns
                for c in range { o[c] += row[c] }
            }
        }
    }
    switch x.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    default: run(Int64.self)
    }
}
