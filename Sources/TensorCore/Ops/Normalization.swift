/// layer_norm and group_norm on one fused row-normalisation kernel:
/// x̂ = (x − mean) / √(var + eps) per row (biased variance), then the affine transform.
extension Tensor {
    /// Normalises over the trailing axes `normalizedShape` and applies `weight`/`bias` (each of
    /// that shape, optional), as `torch.nn.functional.layer_norm`.
    public func layerNorm(
        _ normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
    ) throws -> Tensor {
        guard normalizedShape.count <= rank, Array(shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError.shape(
                "layer_norm: normalized shape \(describe(normalizedShape)) does not end input \(describe(shape))")
        }
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p, p.shape != normalizedShape {
                throw TensorError.shape(
                    "layer_norm: \(name) \(describe(p.shape)) should be \(describe(normalizedShape))")
            }
        }
        let width = normalizedShape.reduce(1, *)
        let x = (dtype.isComputeFloat ? self : converted(to: .float32)).contiguous()
        let w = weight?.converted(to: x.dtype).contiguous(), b = bias?.converted(to: x.dtype).contiguous()
        let (y, stats) = normalizeRows(x, width: width, weight: w, bias: b, eps: eps)
        let inputs = [x] + [w, b].compactMap { $0 }
        return y.recorded("layer_norm", inputs) { g in
            let (gx, gw, gb) = try normalizeRowsBackward(g.contiguous(), x, stats, width: width, weight: w)
            return [gx] + (w == nil ? [] : [try gw.reshaped(normalizedShape)])
                + (b == nil ? [] : [try gb.reshaped(normalizedShape)])
        }
    }

    /// Group normalisation of `[N, C, …]`: channels split into `groups`, each group normalised
    /// over its channels and positions, then a per-channel `weight`/`bias` (shape `[C]`).
    public func groupNorm(groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor
    {
        guard rank >= 2 else {
            throw TensorError.shape("group_norm: input must be [N, C, ...], got \(describe(shape))")
        }
        let channels = shape[1]
        guard groups > 0, channels % groups == 0 else {
            throw TensorError.invalidArgument("group_norm: \(channels) channels do not split into \(groups) groups")
        }
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p, p.shape != [channels] {
                throw TensorError.shape("group_norm: \(name) \(describe(p.shape)) should be [\(channels)]")
            }
        }
        let perGroup = count / (shape[0] * groups)
        let grouped = try reshaped([shape[0], groups, perGroup])
        var y = try grouped.layerNorm([perGroup], eps: eps).reshaped(shape)
        let affineShape = [1, channels] + [Int](repeating: 1, count: rank - 2)
        if let weight { y = try y * weight.reshaped(affineShape) }
        if let bias { y = try y + bias.reshaped(affineShape) }
        return y
    }
}

/// Per-row mean and 1/√(var + eps), saved for the backward pass.
struct RowStatistics {
    let mean: [Double]
    let rstd: [Double]
}

private func normalizeRows(_ x: Tensor, width d: Int, weight: Tensor?, bias: Tensor?, eps: Double) -> (
    Tensor, RowStatistics
) {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let rows = d == 0 ? 0 : x.count / d
    var mean = [Double](repeating: 0, count: rows), rstd = mean
    func run<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) {
        let s = x.pointer(as: T.self), o = out.pointer(as: T.self)
        let w = weight?.pointer(as: T.self), b = bias?.pointer(as: T.self)
        mean.withUnsafeMutableBufferPointer { mp in
            rstd.withUnsafeMutableBufferPointer { rp in
                let box = UncheckedBox((mp, rp))
                Parallel.forEachRange(count: rows, cost: d * 3) { range in
                    for r in range {
                        let row = s + r * d, y = o + r * d
                        // Two passes in double: exact enough for float64 references.
                        var sum = 0.0
                        for i in 0..<d { sum += Double(row[i]) }
                        let mu = sum / Double(d)
                        var sq = 0.0
                        for i in 0..<d { let c = Double(row[i]) - mu; sq += c * c }
                        let inv = 1 / (sq / Double(d) + eps).squareRoot()
                        box.value.0[r] = mu
                        box.value.1[r] = inv
                        let m = T(mu), k = T(inv)
                        for i in 0..<d {
                            var v = (row[i] - m) * k
                            if let w { v *= w[i] }
                            if let b { v += b[i] }
                            y[i] = v
                        }
                    }
                }
            }
        }
    }
    if x.dtype == .float64 {
        run(Double.self)
    } else {
        let s = x.pointer(as: Float.self), o = out.pointer(as: Float.self)
        let w = weight?.pointer(as: Float.self), b = bias?.pointer(as: Float.self)
        var stats = [(Float, Float)](repeating: (0, 0), count: rows)
        stats.withUnsafeMutableBufferPointer { sp in
            let box = UncheckedBox(sp)
            Parallel.forEachRange(count: rows, cost: d * 3) { range in
                for r in range { box.value[r] = RowNormKernel.forward(s + r * d, o + r * d, d, w, b, eps: Float(eps)) }
            }
        }
        mean = stats.map { Double($0.0) }
        rstd = stats.map { Double($0.1) }
    }
    return (out, RowStatistics(mean: mean, rstd: rstd))
}

/// gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·w; gw = Σ g·x̂; gb = Σ g (over rows).
private func normalizeRowsBackward(
    _ g: Tensor, _ x: Tensor, _ stats: RowStatistics, width d: Int, weight: Tensor?
) throws -> (Tensor, Tensor, Tensor) {
    let gx = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let rows = d == 0 ? 0 : x.count / d
    let parts = Swift.max(1, Swift.min(Parallel.threadCount, rows))
    // Each part accumulates its own gw/gb rows; they are added in part order (deterministic).
    let gwParts = Tensor(zeros: [parts, d], dtype: x.dtype), gbParts = Tensor(zeros: [parts, d], dtype: x.dtype)
    func run<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) {
        let pg = g.pointer(as: T.self), px = x.pointer(as: T.self), po = gx.pointer(as: T.self)
        let w = weight?.pointer(as: T.self)
        let pgw = gwParts.pointer(as: T.self), pgb = gbParts.pointer(as: T.self)
        Parallel.forEachRange(count: parts, cost: rows * d * 4 / parts) { partRange in
            for part in partRange {
                let lo = rows * part / parts, hi = rows * (part + 1) / parts
                let accW = pgw + part * d, accB = pgb + part * d
                for r in lo..<hi {
                    let gr = pg + r * d, xr = px + r * d, o = po + r * d
                    let mu = T(stats.mean[r]), k = T(stats.rstd[r])
                    var sumG = 0.0, sumGX = 0.0
                    for i in 0..<d {
                        let xhat = (xr[i] - mu) * k
                        let gh = w.map { gr[i] * $0[i] } ?? gr[i]
                        sumG += Double(gh)
                        sumGX += Double(gh * xhat)
                        accW[i] += gr[i] * xhat
                        accB[i] += gr[i]
                    }
                    let meanG = T(sumG / Double(d)), meanGX = T(sumGX / Double(d))
                    for i in 0..<d {
                        let xhat = (xr[i] - mu) * k
                        let gh = w.map { gr[i] * $0[i] } ?? gr[i]
                        o[i] = k * (gh - meanG - xhat * meanGX)
                    }
                }
            }
        }
    }
    if x.dtype == .float64 {
        run(Double.self)
    } else {
        let pg = g.pointer(as: Float.self), px = x.pointer(as: Float.self), po = gx.pointer(as: Float.self)
        let w = weight?.pointer(as: Float.self)
        let pgw = gwParts.pointer(as: Float.self), pgb = gbParts.pointer(as: Float.self)
        Parallel.forEachRange(count: parts, cost: rows * d * 4 / parts) { partRange in
            for part in partRange {
                for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                    RowNormKernel.backward(
                        pg + r * d, px + r * d, po + r * d, d, mean: Float(stats.mean[r]),
                        rstd: Float(stats.rstd[r]), w, pgw + part * d, pgb + part * d)
                }
            }
        }
    }
    return (gx, try gwParts.sum(axes: [0]), try gbParts.sum(axes: [0]))
}
