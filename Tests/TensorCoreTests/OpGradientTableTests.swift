import Testing
import TensorCore
import TestSupport

/// One row per differentiable op: autograd against central finite differences in float64, the
/// float32 kernels against the float64 ones (forward and gradients), on fresh random inputs —
/// including broadcasting and non-contiguous views.
struct GradientCase: Sendable, CustomTestStringConvertible {
    enum Domain: Sendable { case any, positive, unit }
    let name: String
    let shapes: [[Int]]
    let domain: Domain
    /// The finite-difference step; larger only where the op itself rounds to float32.
    let eps: Double
    let f: @Sendable ([Tensor]) throws -> Tensor

    init(
        _ name: String, _ shapes: [[Int]], _ domain: Domain = .any, eps: Double = 1e-6,
        _ f: @escaping @Sendable ([Tensor]) throws -> Tensor
    ) {
        self.name = name
        self.shapes = shapes
        self.domain = domain
        self.eps = eps
        self.f = f
    }

    var testDescription: String { name }

    func inputs(seed: UInt64) -> [Tensor] {
        let g = RandomGenerator(seed: seed)
        return shapes.map { shape in
            let t = Tensor.randn(shape, dtype: .float64, generator: g)
            switch domain {
            case .any: return t
            case .positive: return try! t.abs() + 0.5
            case .unit: return try! t.sigmoid() * 0.8 + 0.1
            }
        }
    }
}

private func ids(_ values: [Int64], _ shape: [Int]) -> Tensor { try! Tensor(shape: shape, scalars: values) }

let gradientCases: [GradientCase] = [
    // Arithmetic, with broadcasting in both directions.
    GradientCase("add", [[3, 4], [3, 4]]) { try $0[0] + $0[1] },
    GradientCase("add broadcast", [[2, 3, 4], [4]]) { try $0[0] + $0[1] },
    GradientCase("sub broadcast", [[3, 1], [1, 4]]) { try $0[0] - $0[1] },
    GradientCase("mul broadcast", [[2, 3, 4], [3, 1]]) { try $0[0] * $0[1] },
    GradientCase("div", [[3, 4], [3, 4]], .positive) { try $0[0] / $0[1] },
    GradientCase("scalar ops", [[5]]) { try (2 - $0[0]) * 3 / 4 + 1 },
    GradientCase("pow tensor", [[3, 4], [3, 4]], .positive) { try $0[0].pow($0[1]) },
    GradientCase("pow scalar", [[6]], .positive) { try $0[0].pow(2.5) },
    GradientCase("maximum", [[3, 4], [4]]) { try $0[0].maximum($0[1]) },
    GradientCase("minimum", [[3, 4], [3, 4]]) { try $0[0].minimum($0[1]) },
    // Pointwise functions.
    GradientCase("neg", [[7]]) { try $0[0].negated() },
    GradientCase("exp", [[7]]) { try $0[0].exp() },
    GradientCase("log", [[7]], .positive) { try $0[0].log() },
    GradientCase("sqrt", [[7]], .positive) { try $0[0].sqrt() },
    GradientCase("rsqrt", [[7]], .positive) { try $0[0].rsqrt() },
    GradientCase("abs", [[7]]) { try $0[0].abs() },
    GradientCase("tanh", [[40]]) { try ($0[0] * 2).tanh() },
    GradientCase("sigmoid", [[20]]) { try $0[0].sigmoid() },
    GradientCase("relu", [[20]]) { try $0[0].relu() },
    GradientCase("gelu", [[40]]) { try ($0[0] * 3).gelu() },
    GradientCase("gelu tanh", [[40]]) { try ($0[0] * 3).gelu(approximate: true) },
    GradientCase("quick_gelu", [[40]]) { try ($0[0] * 3).quickGelu() },
    GradientCase("clamp", [[20]]) { try $0[0].clamped(min: -0.5, max: 0.7) },
    GradientCase("where", [[3, 4], [3, 4], [3, 4]]) { try Tensor.where($0[2].gt(0), $0[0], $0[1]) },
    GradientCase("masked_fill", [[3, 4], [4]]) { try $0[0].maskedFill($0[1].gt(0), -2) },
    // The round trip rounds to float32 (relative error 6e-8), so the step must dwarf that.
    GradientCase("to float32 and back", [[5]], eps: 0.25) {
        try $0[0].converted(to: .float32).converted(to: .float64) * 1
    },
    // Reductions.
    GradientCase("sum all", [[3, 4]]) { try $0[0].sum() },
    GradientCase("sum axes keepdim", [[2, 3, 4]]) { try $0[0].sum(axes: [0, 2], keepingAxes: true) },
    GradientCase("sum leading axes", [[6, 5]]) { try $0[0].sum(axes: [0]) },
    GradientCase("mean", [[2, 3, 4]]) { try $0[0].mean(axes: [-1]) },
    GradientCase("amax", [[3, 5]]) { try $0[0].amax(axes: [1]) },
    GradientCase("amin all", [[3, 5]]) { try $0[0].amin() },
    GradientCase("max along axis", [[4, 5]]) { try $0[0].max(axis: 0).values },
    GradientCase("min along axis", [[4, 5]]) { try $0[0].min(axis: 1, keepingAxes: true).values },
    GradientCase("var", [[3, 6]]) { try $0[0].variance(axes: [1]) },
    GradientCase("std", [[3, 6]]) { try $0[0].standardDeviation(axes: [0], correction: 0) },
    GradientCase("norm", [[3, 6]]) { try $0[0].norm(axes: [1]) },
    GradientCase("norm p=3", [[3, 6]]) { try $0[0].norm(p: 3) },
    GradientCase("logsumexp", [[3, 6]]) { try $0[0].logSumExp(axes: [1]) },
    // Fused row kernels.
    GradientCase("softmax last", [[3, 7]]) { try $0[0].softmax(axis: -1) },
    GradientCase("softmax middle", [[2, 5, 3]]) { try $0[0].softmax(axis: 1) },
    GradientCase("log_softmax", [[3, 7]]) { try $0[0].logSoftmax(axis: 1) },
    GradientCase("layer_norm", [[2, 3, 8], [8], [8]]) {
        try $0[0].layerNorm([8], weight: $0[1], bias: $0[2], eps: 1e-5)
    },
    GradientCase("layer_norm no affine", [[4, 2, 5]]) { try $0[0].layerNorm([2, 5]) },
    GradientCase("group_norm", [[2, 6, 5], [6], [6]]) { try $0[0].groupNorm(groups: 3, weight: $0[1], bias: $0[2]) },
    // Products and convolutions.
    GradientCase("matmul", [[3, 4], [4, 5]]) { try $0[0].matmul($0[1]) },
    GradientCase("matmul batch broadcast", [[2, 1, 3, 4], [3, 4, 2]]) { try $0[0].matmul($0[1]) },
    GradientCase("matmul transposed views", [[4, 3], [5, 4]]) { try $0[0].transposed(0, 1).matmul($0[1].t()) },
    GradientCase("matmul vector", [[4], [2, 4, 3]]) { try $0[0].matmul($0[1]) },
    GradientCase("matmul attention heads", [[2, 5, 6]]) { x in
        let h = try x[0].reshaped([2, 5, 2, 3]).transposed(1, 2)  // [B, H, L, dh], not contiguous
        return try h.matmul(h.transposed(-1, -2))
    },
    GradientCase("linear", [[2, 3, 4], [5, 4], [5]]) { try $0[0].linear(weight: $0[1], bias: $0[2]) },
    GradientCase("linear no bias, strided input", [[4, 3], [2, 4]]) { try $0[0].t().linear(weight: $0[1]) },
    GradientCase("conv1d", [[2, 4, 11], [6, 2, 3], [6]]) {
        try $0[0].conv1d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 2, groups: 2)
    },
    GradientCase("conv2d", [[2, 3, 7, 6], [4, 3, 3, 2], [4]]) {
        try $0[0].conv2d(weight: $0[1], bias: $0[2], options: Conv2DOptions(stride: (2, 1), padding: (1, 0)))
    },
    GradientCase("conv2d patches", [[1, 3, 8, 8], [5, 3, 4, 4]]) {
        try $0[0].conv2d(weight: $0[1], options: Conv2DOptions(stride: (4, 4)))
    },
    // Index ops.
    GradientCase("embedding", [[6, 3]]) { try $0[0].embedding(ids([0, 5, 2, 5, 1, 0], [2, 3])) },
    GradientCase("index_select", [[3, 5]]) { try $0[0].indexSelect(axis: 1, indices: ids([4, 0, 4], [3])) },
    GradientCase("gather", [[3, 4]]) { try $0[0].gathered(axis: 1, indices: ids([0, 3, 3, 1, 2, 0], [3, 2])) },
    GradientCase("scatter_add", [[3, 4], [2, 4]]) {
        try $0[0].scatterAdding(axis: 0, indices: ids([0, 2, 1, 0, 2, 2, 0, 1], [2, 4]), source: $0[1])
    },
    GradientCase("cat", [[2, 3], [2, 2]]) { try Tensor.cat([$0[0], $0[1]], axis: 1) },
    GradientCase("stack", [[2, 3], [2, 3]]) { try Tensor.stack([$0[0], $0[1]], axis: 1) },
    GradientCase("split", [[5, 2]]) { x in
        let p = try x[0].split(size: 2); return try p[0] * p[2].sum() + p[1].sum()
    },
    GradientCase("dropout", [[30]]) { try $0[0].dropout(p: 0.3, generator: RandomGenerator(seed: 11)) },
    // Views.
    GradientCase("select", [[3, 4]]) { try $0[0].select(axis: 1, index: -1) },
    GradientCase("narrow", [[5, 4]]) { try $0[0].narrow(axis: 0, start: 1, length: 3) },
    GradientCase("reshape of a view", [[4, 6]]) { try $0[0].t().reshaped([3, 8]) },
    GradientCase("permute", [[2, 3, 4]]) { try $0[0].permuted([2, 0, 1]) * 1 },
    GradientCase("expand", [[3, 1]]) { try $0[0].expanded(to: [2, 3, 4]) * 1 },
    GradientCase("unsqueeze squeeze", [[3, 4]]) { try $0[0].unsqueezed(at: 1).squeezed(at: 1).squeezed() },
    GradientCase("flatten", [[2, 3, 4]]) { try $0[0].transposed(0, 2).flattened(from: 1) },
    GradientCase("contiguous", [[3, 4]]) { try $0[0].t().contiguous() },
]

@Suite("Gradient table")
struct OpGradientTableTests {
    @Test(arguments: gradientCases)
    func autogradMatchesFiniteDifferences(_ c: GradientCase) throws {
        let result = try GradientCheck.run(c.f, inputs: c.inputs(seed: 42), eps: c.eps)
        #expect(result.checked > 0)
        #expect(
            result.maxAbsoluteError <= 1e-6 * max(1, result.scale),
            "\(c.name): max |autograd − numeric| = \(result.maxAbsoluteError)")
    }

    @Test(arguments: gradientCases)
    func float32MatchesFloat64(_ c: GradientCase) throws {
        let inputs64 = try c.inputs(seed: 43).map { try $0.setRequiresGrad() }
        let inputs32 = try inputs64.map { try $0.detached().converted(to: .float32).setRequiresGrad() }
        let y64 = try c.f(inputs64), y32 = try c.f(inputs32)
        #expect(y32.dtype == .float32 || y32.dtype == .float64)
        #expect(relativeError(y32, y64) < 2e-5, "\(c.name) forward")
        let weights = Tensor.randn(y64.shape, dtype: .float64, generator: RandomGenerator(seed: 5))
        try (y64 * weights).sum().backward()
        try (y32 * weights.converted(to: .float32)).sum().backward()
        for (a, b) in zip(inputs32, inputs64) {
            guard let expected = b.grad else {
                #expect(a.grad == nil, "\(c.name): float32 has a gradient where float64 has none")
                continue
            }
            #expect(relativeError(try #require(a.grad), expected) < 1e-4, "\(c.name) gradient")
        }
    }
}
