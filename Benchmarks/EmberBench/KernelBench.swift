import TensorCore

/// sgemm through TensorCore and directly, memory-bound kernels against a parallel copy, and
/// convolutions, at `threads` threads.
func kernelBenchmarks(threads: Int) throws {
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
                        BLAS.gemm(
                            transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
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
    let copy = measure { _ = x.copied() }
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
}
