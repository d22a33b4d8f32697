// Kernel benchmarks for docs/PERFORMANCE.md. Run through scripts/bench (release build).
// Every figure is printed next to its reference measured in the same run: TensorCore's matmul
// against a direct cblas_sgemm call, elementwise kernels against a parallel memory copy.
import Dispatch
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Best time of `body` over repeats taking about `budget` seconds (at least 3 runs).
func measure(budget: Double = 0.6, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up
    var best = Double.infinity, total = 0.0, runs = 0
    while runs < 3 || total < budget {
        let t0 = now()
        try body()
        let dt = now() - t0
        best = min(best, dt)
        total += dt
        runs += 1
    }
    return best
}

func fixed(_ x: Double, _ width: Int, _ decimals: Int = 1) -> String {
    let scale = Double([1, 10, 100, 1000][decimals])
    let r = (x * scale).rounded() / scale
    var s = decimals == 0 ? String(Int(r)) : String(r)
    if decimals > 0, let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
    }
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

func row(_ name: String, _ value: Double, _ unit: String, _ reference: Double? = nil, _ refName: String = "") {
    var line = name + String(repeating: " ", count: max(1, 44 - name.count)) + fixed(value, 8) + " " + unit
    if let reference { line += "   \(refName) " + fixed(reference, 8) + "   ratio " + fixed(value / reference, 5, 2) }
    print(line)
}

let threads = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? Parallel.threadCount
Parallel.threadCount = threads
print("OpenBLAS kernel: \(BLAS.kernelDescription); threads: \(threads)")

print("\n== sgemm (GFLOP/s): TensorCore matmul vs direct cblas_sgemm")
for n in [256, 512, 1024, 2048] {
    let a = Tensor.randn([n, n]), b = Tensor.randn([n, n])
    let c = Tensor.zeros([n, n])
    let flops = 2.0 * Double(n * n * n)
    let direct = try measure {
        try a.withUnsafeBufferPointer(as: Float.self) { pa in
            try b.withUnsafeBufferPointer(as: Float.self) { pb in
                try c.withUnsafeMutableFloats { pc in
                    BLAS.gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                              b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
    let viaTensor = try measure { _ = try a.matmul(b) }
    let transposed = try measure { _ = try a.t().matmul(b.t()) }
    row("matmul \(n)", flops / viaTensor / 1e9, "GFLOP/s", flops / direct / 1e9, "direct")
    row("matmul \(n) (both transposed)", flops / transposed / 1e9, "GFLOP/s", flops / direct / 1e9, "direct")
}
do {
    let a = Tensor.randn([64, 64, 64]), b = Tensor.randn([64, 64, 64])
    let t = try measure { _ = try a.matmul(b) }
    row("batched matmul [64 x 64x64]", 64 * 2 * 64 * 64 * 64 / t / 1e9, "GFLOP/s")
}

print("\n== memory-bound kernels over 16M floats (GB/s moved) vs parallel copy")
let n = 16 << 20
let x = Tensor.randn([n]), y = Tensor.randn([n])
let copy = try measure { _ = x.copied() }
let copyRate = Double(8 * n) / copy / 1e9
row("copy", copyRate, "GB/s")
let rows2d = try x.reshaped([n / 1024, 1024])
for (name, bytes, body) in [
    ("add", 12, { _ = try x + y }),
    ("mul", 12, { _ = try x * y }),
    ("gelu", 8, { _ = try x.gelu() }),
    ("softmax (rows of 1024)", 8, { _ = try rows2d.softmax(axis: -1) }),
    ("layer_norm (rows of 1024)", 8, { _ = try rows2d.layerNorm([1024]) }),
    ("sum", 4, { _ = try x.sum() }),
] as [(String, Int, () throws -> Void)] {
    let t = try measure(body)
    row(name, Double(bytes * n) / t / 1e9, "GB/s", copyRate, "copy")
}

print("\n== convolutions (GFLOP/s)")
for (name, input, weight, stride, padding, groups) in [
    ("conv1d wav2vec2 stem [8,1,16000] k10 s5", [8, 1, 16000], [512, 1, 10], 5, 0, 1),
    ("conv1d [8,512,3199] k3 s2", [8, 512, 3199], [512, 512, 3], 2, 0, 1),
    ("conv1d pos-conv [8,256,49] k16 g4", [8, 256, 49], [256, 64, 16], 1, 8, 4),
] {
    let xin = Tensor.randn(input), w = Tensor.randn(weight)
    let out = try xin.conv1d(weight: w, stride: stride, padding: padding, groups: groups)
    let flops = 2.0 * Double(out.count * weight[1] * weight[2])
    let t = try measure { _ = try xin.conv1d(weight: w, stride: stride, padding: padding, groups: groups) }
    row(name, flops / t / 1e9, "GFLOP/s")
}
for (name, input, weight, stride, padding) in [
    ("conv2d ViT patches [8,3,224,224] k16 s16", [8, 3, 224, 224], [192, 3, 16, 16], 16, 0),
    ("conv2d 3x3 [8,64,56,56]", [8, 64, 56, 56], [64, 64, 3, 3], 1, 1),
] {
    let xin = Tensor.randn(input), w = Tensor.randn(weight)
    let options = Conv2DOptions(stride: (stride, stride), padding: (padding, padding))
    let out = try xin.conv2d(weight: w, options: options)
    let flops = 2.0 * Double(out.count * weight[1] * weight[2] * weight[3])
    let t = try measure { _ = try xin.conv2d(weight: w, options: options) }
    row(name, flops / t / 1e9, "GFLOP/s")
}
