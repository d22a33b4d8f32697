import TensorCore

/// Sixteen float32 lanes: one AVX-512 register, two AVX2 registers.
typealias Lanes = SIMD16<Float>

/// Runs `body` over a parameter's elements as raw float32 buffers, in parallel blocks. The grad
/// has the parameter's shape (``checkGradients(_:optimizer:)`` ran first).
///
/// The parameter is written in place when it is contiguous float32 (the usual case); otherwise
/// the update runs on a contiguous copy that is then written back through the parameter's
/// strides, so views and modules holding the tensor still see it. A gradient in another dtype
/// or layout is read from a contiguous float32 copy.
func updateInPlace(
    _ parameter: Tensor, grad: Tensor,
    _ body: (_ param: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ range: Range<Int>) -> Void
) throws {
    let g = grad.dtype == .float32 && grad.isContiguous ? grad : grad.converted(to: .float32).contiguous()
    let p = parameter.isContiguous ? parameter : parameter.copied()
    let pp = p.pointer(as: Float.self)
    let gp = UnsafePointer(g.pointer(as: Float.self))
    // About eight float loads and stores per element: a block below the grain stays on one thread.
    Parallel.forEachRange(count: p.count, cost: 8) { range in body(pp, gp, range) }
    if p !== parameter { try parameter.assign(p) }
}

/// Calls `body` with each block of up to 16 elements of `range`: its start and its width (16
/// except for a shorter tail, which ``load(_:_:_:)`` pads with zeros and ``store(_:_:_:_:)`` cuts).
@inline(__always)
func forEachBlock(_ range: Range<Int>, _ body: (_ start: Int, _ width: Int) -> Void) {
    var i = range.lowerBound
    while i < range.upperBound {
        let width = min(Lanes.scalarCount, range.upperBound - i)
        body(i, width)
        i += width
    }
}

/// Loads `width` floats at `p + i` (the rest zero).
@inline(__always)
func load(_ p: UnsafePointer<Float>, _ i: Int, _ width: Int) -> Lanes {
    if width == Lanes.scalarCount { return UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self) }
    var v = Lanes(repeating: 0)
    for k in 0..<width { v[k] = p[i + k] }
    return v
}

/// Stores the first `width` lanes of `v` at `p + i`.
@inline(__always)
func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ width: Int) {
    if width == Lanes.scalarCount {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self)
        return
    }
    for k in 0..<width { p[i + k] = v[k] }
}
