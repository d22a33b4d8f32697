import Testing
import TensorCore
import TestSupport

/// TensorCore ops against PyTorch on fixed inputs (scripts/reference/tensor.py).
@Suite("PyTorch parity")
struct TorchParityTests {
    let r: [String: Tensor]
    init() throws { r = try SafeTensors.load(path: Fixtures.path("tensor/ops.safetensors")) }

    func check(_ got: Tensor, _ name: String, tolerance: Double = 1e-5) {
        let want = r[name]!
        #expect(got.shape == want.shape, "\(name): shape \(got.shape) vs \(want.shape)")
        #expect(relativeError(got, want) < tolerance, "\(name): relative error \(relativeError(got, want))")
    }

    @Test func pointwiseAndRows() throws {
        let x = r["x"]!
        check(try x.gelu(), "gelu")
        check(try x.gelu(approximate: true), "gelu_tanh")
        check(try x.softmax(axis: 1), "softmax")
        check(try x.logSoftmax(axis: 0), "log_softmax")
        let w = try Tensor.linspace(0.5, 1.5, count: 9), b = try Tensor.linspace(-1, 1, count: 9)
        check(try x.layerNorm([9], weight: w, bias: b, eps: 1e-5), "layer_norm")
    }

    @Test func reductions() throws {
        let x = r["x"]!
        check(try x.variance(axes: [1]), "var")
        check(try x.standardDeviation(axes: [0], correction: 0), "std0")
        check(try x.logSumExp(axes: [1]), "logsumexp")
        check(try x.norm(axes: [1]), "norm")
    }

    @Test func convolutionsAndGroupNorm() throws {
        check(
            try r["img"]!.conv2d(
                weight: r["w2"]!, options: Conv2DOptions(stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2)),
            "conv2d")
        check(
            try r["seq"]!.conv1d(
                weight: r["w1"]!, bias: Tensor.linspace(-1, 1, count: 6), stride: 3, padding: 2, dilation: 2, groups: 2),
            "conv1d")
        check(
            try r["img"]!.groupNorm(
                groups: 2, weight: Tensor.linspace(0.5, 2, count: 4), bias: Tensor.linspace(-1, 1, count: 4)),
            "group_norm")
    }
}
