/// The float32 layer-norm row kernels, 16 lanes at a time (the float64 reference path lives in
/// Normalization.swift). Statistics: mean, then the mean of squared deviations (two passes,
/// both in cache for rows up to tens of thousands of elements).
enum RowNormKernel {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vec { UnsafeRawPointer(p + i).loadUnaligned(as: Vec.self) }
    @inline(__always)
    static func store(_ v: Vec, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vec.self)
    }

    /// y = (x − μ)·rstd·w + b for one row; returns (μ, rstd).
    static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ d: Int,
        _ w: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, eps: Float
    ) -> (Float, Float) {
        let mean = sumFloats(x, d) / Float(d)
        let m = Vec(repeating: mean)
        var acc = Vec(repeating: 0)
        var i = 0
        while i + 16 <= d { let c = load(x, i) - m; acc += c * c; i += 16 }
        var sq = acc.sum()
        while i < d { let c = x[i] - mean; sq += c * c; i += 1 }
        let rstd = 1 / (sq / Float(d) + eps).squareRoot()
        let k = Vec(repeating: rstd)
        i = 0
        while i + 16 <= d {
            var v = (load(x, i) - m) * k
            if let w { v *= load(w, i) }
            if let b { v += load(b, i) }
            store(v, y, i)
            i += 16
        }
        while i < d {
            var v = (x[i] - mean) * rstd
            if let w { v *= w[i] }
            if let b { v += b[i] }
            y[i] = v
            i += 1
        }
        return (mean, rstd)
    }

    /// One row of the backward pass: gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·w, and
    /// accumulates g·x̂ into `accW` and g into `accB`.
    static func backward(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ d: Int,
        mean: Float, rstd: Float, _ w: UnsafePointer<Float>?,
        _ accW: UnsafeMutablePointer<Float>, _ accB: UnsafeMutablePointer<Float>
    ) {
        let m = Vec(repeating: mean), k = Vec(repeating: rstd)
        var sG = Vec(repeating: 0), sGX = Vec(repeating: 0)
        var tailG: Float = 0, tailGX: Float = 0
        var i = 0
        while i + 16 <= d {
            let gv = load(g, i), xhat = (load(x, i) - m) * k
            let gh = w.map { gv * load($0, i) } ?? gv
            sG += gh
            sGX += gh * xhat
            store(load(accW, i) + gv * xhat, accW, i)
            store(load(accB, i) + gv, accB, i)
            i += 16
        }
        while i < d {
            let xhat = (x[i] - mean) * rstd
            let gh = w.map { g[i] * $0[i] } ?? g[i]
            tailG += gh
            tailGX += gh * xhat
            accW[i] += g[i] * xhat
            accB[i] += g[i]
            i += 1
        }
        let meanG = (sG.sum() + tailG) / Float(d), meanGX = (sGX.sum() + tailGX) / Float(d)
        let mg = Vec(repeating: meanG), mgx = Vec(repeating: meanGX)
        i = 0
        while i + 16 <= d {
            let xhat = (load(x, i) - m) * k
            let gh = w.map { load(g, i) * load($0, i) } ?? load(g, i)
            store(k * (gh - mg - xhat * mgx), gx, i)
            i += 16
        }
        while i < d {
            let xhat = (x[i] - mean) * rstd
            let gh = w.map { g[i] * $0[i] } ?? g[i]
            gx[i] = rstd * (gh - meanG - xhat * meanGX)
            i += 1
        }
    }
}
