#if canImport(Glibc)
import Glibc
#endif

/// Pointwise functions of one tensor. The `…Derivative` cases are the fused derivatives the
/// backward passes of the activations use.
enum UnaryKind {
    case neg, exp, log, sqrt, rsqrt, abs, sign, tanh, sigmoid, relu, gelu, geluTanh, quickGelu
    case reluDerivative, geluDerivative, geluTanhDerivative, quickGeluDerivative
}

private let sqrtHalf: Float = 0.707_106_781_186_547_5
private let invSqrt2Pi: Float = 0.398_942_280_401_432_7
private let sqrt2OverPi: Float = 0.797_884_560_802_865_4

/// Applies `kind` to every element (no autograd). Integer and half inputs compute in float32,
/// except `neg`, `abs` and `sign`, which keep int64.
func unaryKernel(_ x0: Tensor, _ kind: UnaryKind) -> Tensor {
    if x0.dtype == .int64 && (kind == .neg || kind == .abs || kind == .sign) {
        let x = x0.contiguous(), out = Tensor(uninitialized: x.shape, dtype: .int64)
        let s = x.pointer(as: Int64.self), d = out.pointer(as: Int64.self)
        for i in 0..<x.count {
            switch kind {
            case .neg: d[i] = 0 &- s[i]
            case .abs: d[i] = s[i] < 0 ? 0 &- s[i] : s[i]
            default: d[i] = s[i] > 0 ? 1 : (s[i] < 0 ? -1 : 0)
            }
        }
        return out
    }
    let type = x0.dtype.floatComputeType
    let x =
        x0.dtype == type && x0.isContiguous
        ? x0
        : {
            let c = Tensor(uninitialized: x0.shape, dtype: type)
            copyElements(from: x0, to: c)
            return c
        }()
    let out = Tensor(uninitialized: x.shape, dtype: type)
    if type == .float64 {
        let f = doubleFunction(kind)
        let s = x.pointer(as: Double.self), d = out.pointer(as: Double.self)
        Parallel.forEachRange(count: x.count) { r in for i in r { d[i] = f(s[i]) } }
        return out
    }
    let s = x.pointer(as: Float.self), d = out.pointer(as: Float.self)
    Parallel.forEachRange(count: x.count, cost: 4) { r in
        applyFloat(kind, s + r.lowerBound, d + r.lowerBound, r.count)
    }
    return out
}

/// A lane-wise function without state, made fresh for each buffer.
private protocol UnaryLane: LaneFunction { init() }

/// Maps `F` over `n` floats: one specialised loop per function, with `F` inlined into it.
@inline(never)
private func mapLanes<F: UnaryLane>(_: F.Type, _ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ n: Int) {
    VectorMath.map(s, d, n, F())
}

private struct Negate: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { -x } }
private struct Exp: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.exp(x) } }
private struct Log: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.log(x) } }
private struct Sqrt: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.sqrt(x) } }
private struct Rsqrt: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { 1 / VectorMath.sqrt(x) } }
private struct Abs: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.abs(x) } }
private struct Sign: UnaryLane {
    @inline(__always) func callAsFunction(_ v: Vec) -> Vec {
        Vec(repeating: 0).replacing(with: 1, where: v .> 0).replacing(with: -1, where: v .< 0).replacing(
            with: v, where: v .!= v)
    }
}
private struct Tanh: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.tanh(x) } }
private struct Sigmoid: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { VectorMath.sigmoid(x) } }
private struct Relu: UnaryLane {
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { x.replacing(with: 0, where: x .< 0) }
}
private struct ReluDerivative: UnaryLane {
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { Vec(repeating: 0).replacing(with: 1, where: x .> 0) }
}
private struct Gelu: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { geluExact(x) } }
private struct GeluDerivative: UnaryLane {
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { geluExactDerivative(x) }
}
private struct GeluTanh: UnaryLane { @inline(__always) func callAsFunction(_ x: Vec) -> Vec { geluTanh(x) } }
private struct GeluTanhDerivative: UnaryLane {
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { geluTanhDerivative(x) }
}
private struct QuickGelu: UnaryLane {
    @inline(__always) func callAsFunction(_ x: Vec) -> Vec { x * VectorMath.sigmoid(x * 1.702) }
}
private struct QuickGeluDerivative: UnaryLane {
    @inline(__always) func callAsFunction(_ v: Vec) -> Vec {
        let s = VectorMath.sigmoid(v * 1.702)
        return s + v * 1.702 * s * (1 - s)
    }
}

/// Applies `kind` to `n` floats.
private func applyFloat(_ kind: UnaryKind, _ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ n: Int) {
    switch kind {
    case .neg: mapLanes(Negate.self, s, d, n)
    case .exp: mapLanes(Exp.self, s, d, n)
    case .log: mapLanes(Log.self, s, d, n)
    case .sqrt: mapLanes(Sqrt.self, s, d, n)
    case .rsqrt: mapLanes(Rsqrt.self, s, d, n)
    case .abs: mapLanes(Abs.self, s, d, n)
    case .sign: mapLanes(Sign.self, s, d, n)
    case .tanh: mapLanes(Tanh.self, s, d, n)
    case .sigmoid: mapLanes(Sigmoid.self, s, d, n)
    case .relu: mapLanes(Relu.self, s, d, n)
    case .reluDerivative: mapLanes(ReluDerivative.self, s, d, n)
    case .gelu: mapLanes(Gelu.self, s, d, n)
    case .geluDerivative: mapLanes(GeluDerivative.self, s, d, n)
    case .geluTanh: mapLanes(GeluTanh.self, s, d, n)
    case .geluTanhDerivative: mapLanes(GeluTanhDerivative.self, s, d, n)
    case .quickGelu: mapLanes(QuickGelu.self, s, d, n)
    case .quickGeluDerivative: mapLanes(QuickGeluDerivative.self, s, d, n)
    }
}

/// gelu(x) = x·Φ(x) with Φ(x) = erfc(−x/√2)/2, written so that both tails keep relative
/// accuracy: for x < 0 the small erfc(|x|/√2) is used directly, for x ≥ 0 its complement.
@inline(__always)
private func geluExact(_ x: Vec) -> Vec {
    let e = VectorMath.erfcOfMagnitude(x * sqrtHalf)  // erfc(|x|/√2)
    let phi = (1 - 0.5 * e).replacing(with: 0.5 * e, where: x .< 0)
    return x * phi
}

/// gelu'(x) = Φ(x) + x·φ(x).
@inline(__always)
private func geluExactDerivative(_ x: Vec) -> Vec {
    let e = VectorMath.erfcOfMagnitude(x * sqrtHalf)
    let phi = (1 - 0.5 * e).replacing(with: 0.5 * e, where: x .< 0)
    return phi + x * invSqrt2Pi * VectorMath.exp(-0.5 * x * x)
}

/// The tanh approximation 0.5·x·(1 + tanh(u)), u = √(2/π)(x + 0.044715x³), computed as
/// x·sigmoid(2u) — the same value, without the cancellation of 1 + tanh(u) for negative x.
@inline(__always)
private func geluTanh(_ x: Vec) -> Vec {
    x * VectorMath.sigmoid(2 * sqrt2OverPi * (x + 0.044715 * x * x * x))
}

/// d/dx of x·s(2u) = s + x·2u'·s(1−s).
@inline(__always)
private func geluTanhDerivative(_ x: Vec) -> Vec {
    let s = VectorMath.sigmoid(2 * sqrt2OverPi * (x + 0.044715 * x * x * x))
    let du = sqrt2OverPi * (1 + 3 * 0.044715 * x * x)
    return s + x * 2 * du * s * (1 - s)
}

/// The float64 definitions, straight from libm: the exact reference for gradient checks.
private func doubleFunction(_ kind: UnaryKind) -> (Double) -> Double {
    let invSqrt2 = 0.707_106_781_186_547_5, c = 0.797_884_560_802_865_4
    func sig(_ v: Double) -> Double { 1 / (1 + Glibc.exp(-v)) }
    switch kind {
    case .neg: return { -$0 }
    case .exp: return { Glibc.exp($0) }
    case .log: return { Glibc.log($0) }
    case .sqrt: return { $0.squareRoot() }
    case .rsqrt: return { 1 / $0.squareRoot() }
    case .abs: return { Swift.abs($0) }
    case .sign: return { $0 > 0 ? 1 : ($0 < 0 ? -1 : ($0.isNaN ? $0 : 0)) }
    case .tanh: return { Glibc.tanh($0) }
    case .sigmoid: return sig
    case .relu: return { $0 < 0 ? 0 : $0 }
    case .reluDerivative: return { $0 > 0 ? 1 : 0 }
    case .gelu: return { 0.5 * $0 * erfc(-$0 * invSqrt2) }
    case .geluDerivative:
        return { 0.5 * erfc(-$0 * invSqrt2) + $0 * 0.398_942_280_401_432_7 * Glibc.exp(-0.5 * $0 * $0) }
    case .geluTanh: return { 0.5 * $0 * (1 + Glibc.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) }
    case .geluTanhDerivative:
        return { x in
            let t = Glibc.tanh(c * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
        }
    case .quickGelu: return { $0 * sig(1.702 * $0) }
    case .quickGeluDerivative:
        return { x in
            let s = sig(1.702 * x)
            return s + x * 1.702 * s * (1 - s)
        }
    }
}
