#if canImport(Glibc)
import Glibc
#endif

/// Pointwise functions of two broadcast operands.
enum BinaryKind: String {
    case add, sub, mul, div, pow, maximum, minimum
}

/// Pointwise comparisons; results are bool.
enum ComparisonKind: String {
    case eq, ne, lt, le, gt, ge
}

/// Operands converted to a common dtype and broadcast to one shape, with the loop over them.
struct BroadcastPair {
    let a: Tensor, b: Tensor, shape: [Int], type: DType

    init(_ a: Tensor, _ b: Tensor, type: DType, op: String) throws {
        shape = try Broadcast.shape(a.shape, b.shape, op: op)
        self.type = type
        self.a = a.detached().converted(to: type)
        self.b = b.detached().converted(to: type)
    }

    func loop(output: Tensor) -> StridedLoop {
        StridedLoop(
            shape: shape,
            strides: [Broadcast.strides(of: a, to: shape), Broadcast.strides(of: b, to: shape), output.strides],
            origins: [a.offset, b.offset, output.offset])
    }
}

/// Computes `kind` over broadcast operands (no autograd).
func binaryKernel(_ x: Tensor, _ y: Tensor, _ kind: BinaryKind) throws -> Tensor {
    var type = promotedType(x.dtype, y.dtype)
    if type == .bool { type = .int64 }
    if kind == .div && type == .int64 { type = .float32 }  // true division, as PyTorch
    let p = try BroadcastPair(x, y, type: type, op: kind.rawValue)
    let out = Tensor(uninitialized: p.shape, dtype: type)
    let loop = p.loop(output: out)
    switch type {
    case .float32:
        let f: (Vec, Vec) -> Vec
        switch kind {
        case .add: f = { $0 + $1 }
        case .sub: f = { $0 - $1 }
        case .mul: f = { $0 * $1 }
        case .div: f = { $0 / $1 }
        case .maximum: f = { $0.replacing(with: $1, where: ($1 .> $0) .| ($1 .!= $1)) }
        case .minimum: f = { $0.replacing(with: $1, where: ($1 .< $0) .| ($1 .!= $1)) }
        case .pow:
            f = { a, b in
                var r = Vec(repeating: 0)
                for k in 0..<16 { r[k] = powf(a[k], b[k]) }
                return r
            }
        }
        runVector(loop, p.a, p.b, out, f)
    case .float64:
        runScalar(loop, p.a, p.b, out, doubleFunction(kind))
    default:
        runScalar(loop, p.a, p.b, out, integerFunction(kind))
    }
    return out
}

/// Computes a comparison over broadcast operands into a bool tensor.
func comparisonKernel(_ x: Tensor, _ y: Tensor, _ kind: ComparisonKind) throws -> Tensor {
    let type = promotedType(x.dtype, y.dtype)
    let p = try BroadcastPair(x, y, type: type, op: kind.rawValue)
    let out = Tensor(uninitialized: p.shape, dtype: .bool)
    let loop = p.loop(output: out)
    func run<T: Comparable & TensorScalar>(_: T.Type) {
        let f: (T, T) -> Bool
        switch kind {
        case .eq: f = { $0 == $1 }
        case .ne: f = { $0 != $1 }
        case .lt: f = { $0 < $1 }
        case .le: f = { $0 <= $1 }
        case .gt: f = { $0 > $1 }
        case .ge: f = { $0 >= $1 }
        }
        let pa = p.a.storage.base.assumingMemoryBound(to: T.self)
        let pb = p.b.storage.base.assumingMemoryBound(to: T.self)
        let po = out.storage.base.assumingMemoryBound(to: Bool.self)
        let s = loop.innerStrides
        loop.forEachSegmentInParallel { off, n in
            for i in 0..<n { po[off[2] + i * s[2]] = f(pa[off[0] + i * s[0]], pb[off[1] + i * s[1]]) }
        }
    }
    switch type {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    case .bool:
        let a = p.a.converted(to: .int64), b = p.b.converted(to: .int64)
        return try comparisonKernel(a, b, kind)
    default: run(Int64.self)
    }
    return out
}

private func integerPower(_ a: Int64, _ b: Int64) -> Int64 {
    if b < 0 { return a == 1 ? 1 : (a == -1 ? (b % 2 == 0 ? 1 : -1) : 0) }
    var result: Int64 = 1, base = a, e = b
    while e > 0 {
        if e & 1 == 1 { result = result &* base }
        base = base &* base
        e >>= 1
    }
    return result
}

private func doubleFunction(_ kind: BinaryKind) -> (Double, Double) -> Double {
    switch kind {
    case .add: return { $0 + $1 }
    case .sub: return { $0 - $1 }
    case .mul: return { $0 * $1 }
    case .div: return { $0 / $1 }
    case .maximum: return { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
    case .minimum: return { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
    case .pow: return { Glibc.pow($0, $1) }
    }
}

/// Integer arithmetic wraps on overflow (as PyTorch's does) instead of trapping.
private func integerFunction(_ kind: BinaryKind) -> (Int64, Int64) -> Int64 {
    switch kind {
    case .add: return { $0 &+ $1 }
    case .sub: return { $0 &- $1 }
    case .mul: return { $0 &* $1 }
    case .div: return { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue }
    case .maximum: return { Swift.max($0, $1) }
    case .minimum: return { Swift.min($0, $1) }
    case .pow: return integerPower
    }
}

/// The float32 loop: contiguous and scalar-broadcast rows run 16 lanes at a time; other strides
/// gather into a vector first.
private func runVector(_ loop: StridedLoop, _ a: Tensor, _ b: Tensor, _ out: Tensor, _ f: (Vec, Vec) -> Vec) {
    let pa = a.storage.base.assumingMemoryBound(to: Float.self)
    let pb = b.storage.base.assumingMemoryBound(to: Float.self)
    let po = out.storage.base.assumingMemoryBound(to: Float.self)
    let s = loop.innerStrides
    loop.forEachSegmentInParallel { off, n in
        let x = pa + off[0], y = pb + off[1], o = po + off[2]
        if s[0] == 1 && s[1] == 1 && s[2] == 1 {
            VectorMath.map(x, y, o, n, f)
        } else if s[0] == 1 && s[1] == 0 && s[2] == 1 {
            let c = Vec(repeating: y.pointee)
            VectorMath.map(x, o, n) { f($0, c) }
        } else if s[0] == 0 && s[1] == 1 && s[2] == 1 {
            let c = Vec(repeating: x.pointee)
            VectorMath.map(y, o, n) { f(c, $0) }
        } else {
            var i = 0
            while i < n {
                let m = Swift.min(16, n - i)
                var u = Vec(repeating: 0), v = Vec(repeating: 0)
                for k in 0..<m { u[k] = x[(i + k) * s[0]]; v[k] = y[(i + k) * s[1]] }
                let r = f(u, v)
                for k in 0..<m { o[(i + k) * s[2]] = r[k] }
                i += m
            }
        }
    }
}

private func runScalar<T: TensorScalar>(_ loop: StridedLoop, _ a: Tensor, _ b: Tensor, _ out: Tensor, _ f: (T, T) -> T)
{
    let pa = a.storage.base.assumingMemoryBound(to: T.self)
    let pb = b.storage.base.assumingMemoryBound(to: T.self)
    let po = out.storage.base.assumingMemoryBound(to: T.self)
    let s = loop.innerStrides
    loop.forEachSegmentInParallel { off, n in
        for i in 0..<n { po[off[2] + i * s[2]] = f(pa[off[0] + i * s[0]], pb[off[1] + i * s[1]]) }
    }
}
