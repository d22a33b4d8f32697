#if canImport(Glibc)
import Glibc
#endif
import Testing
import TensorCore
import TestSupport

@Suite("Kernels")
struct KernelTests {
    /// The vectorised float32 functions against libm over a wide range, including large inputs.
    @Test(arguments: ["exp", "log", "tanh", "sigmoid", "gelu", "gelu_tanh"])
    func float32FunctionsMatchLibm(_ name: String) throws {
        let n = 20_001
        let lo: Double = name == "log" ? 1e-30 : -90, hi: Double = name == "log" ? 1e30 : 90
        let xs: [Double] = (0..<n).map { i in
            name == "log"
                ? exp(log(lo) + (log(hi) - log(lo)) * Double(i) / Double(n - 1))
                : lo + (hi - lo) * Double(i) / Double(n - 1)
        }
        let x32 = try Tensor(shape: [n], scalars: xs.map(Float.init))
        let y: Tensor
        switch name {
        case "exp": y = try x32.exp()
        case "log": y = try x32.log()
        case "tanh": y = try x32.tanh()
        case "sigmoid": y = try x32.sigmoid()
        case "gelu": y = try x32.gelu()
        default: y = try x32.gelu(approximate: true)
        }
        let got = y.toArray(of: Double.self), inputs = x32.toArray(of: Double.self)
        var worst = 0.0, worstAt = 0.0
        for (x, g) in zip(inputs, got) {
            let want: Double
            switch name {
            case "exp": want = exp(x)
            case "log": want = log(x)
            case "tanh": want = tanh(x)
            case "sigmoid": want = 1 / (1 + exp(-x))
            case "gelu": want = 0.5 * x * erfc(-x / 2.0.squareRoot())
            // 0.5·x·(1 + tanh(u)) written as x·sigmoid(2u), which does not cancel in the tail.
            default: want = x / (1 + exp(-2 * 0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
            if want.isInfinite || Float(want).isInfinite {
                #expect(g == Double(Float(want)), "\(name)(\(x))"); continue
            }
            // Results this close to the bottom of the float range may come out as zero (an
            // intermediate e^x underflows); elsewhere the error is relative.
            if abs(want) < 1e-30 {
                #expect(abs(g) < 1e-30, "\(name)(\(x)) = \(g), want \(want)")
                continue
            }
            let err = abs(g - want) / abs(want)
            if err > worst { worst = err; worstAt = x }
        }
        // A few ulp, except in GELU's far negative tail, where float rounding of x² in e^{−x²/2}
        // is amplified (and where PyTorch's erf form loses all relative accuracy).
        #expect(worst < (name.hasPrefix("gelu") ? 2e-5 : 5e-7), "\(name): worst relative error \(worst) at \(worstAt)")
    }

    /// Infinities and NaN come out as libm gives them.
    @Test func specialValues() throws {
        let x = try Tensor(shape: [3], scalars: [-Float.infinity, .infinity, .nan])
        let e = try x.exp().scalars
        #expect(e[0] == 0 && e[1] == .infinity && e[2].isNaN)
        let t = try x.tanh().scalars
        #expect(t[0] == -1 && t[1] == 1 && t[2].isNaN)
        let s = try x.sigmoid().scalars
        #expect(s[0] == 0 && s[1] == 1 && s[2].isNaN)
        let l = try Tensor(shape: [4], scalars: [Float(0), -1, .infinity, .nan]).log().scalars
        #expect(l[0] == -.infinity && l[1].isNaN && l[2] == .infinity && l[3].isNaN)
        let masked = try Tensor(shape: [3], scalars: [Float(1), -.infinity, 2]).softmax(axis: 0).scalars
        #expect(masked[1] == 0)
    }

    /// Every BLAS layout (row-major, transposed, strided rows, broadcast batches) against a plain loop.
    @Test func matmulLayoutsAgainstPlainLoop() throws {
        let g = RandomGenerator(seed: 9)
        let a = Tensor.randn([3, 7, 5], generator: g), b = Tensor.randn([5, 6], generator: g)
        func naive(_ a: Tensor, _ b: Tensor) throws -> Tensor {
            let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
            let x = a.toArray(of: Double.self), y = b.toArray(of: Double.self)
            var out = [Double](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { for p in 0..<k { out[i * n + j] += x[i * k + p] * y[p * n + j] } } }
            return try Tensor(shape: [m, n], scalars: out)
        }
        for i in 0..<3 {
            let ai = try a.select(axis: 0, index: i)
            #expect(relativeError(try ai.matmul(b), try naive(ai, b)) < 1e-5)
            let at = try ai.t().contiguous().t()  // same values, transposed layout
            #expect(relativeError(try at.matmul(b), try naive(ai, b)) < 1e-5)
            let narrow = try ai.narrow(axis: 1, start: 1, length: 3)  // rows with a gap
            let bn = try b.narrow(axis: 0, start: 1, length: 3)
            #expect(relativeError(try narrow.matmul(bn), try naive(narrow.contiguous(), bn.contiguous())) < 1e-5)
        }
        let batched = try a.matmul(b)
        for i in 0..<3 {
            #expect(
                relativeError(try batched.select(axis: 0, index: i), try naive(a.select(axis: 0, index: i), b)) < 1e-5)
        }
    }

    /// Results do not depend on the number of threads.
    @Test func threadCountDoesNotChangeResults() throws {
        let x = Tensor.randn([300, 700], generator: RandomGenerator(seed: 4))
        func run() throws -> [Float] {
            try (x.gelu() + x.softmax(axis: 1) * 2).sum(axes: [0]).scalars + x.layerNorm([700]).sum(axes: [1]).scalars
        }
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        let one = try run()
        Parallel.threadCount = 2
        #expect(try run() == one)
    }

    @Test func reductionsOnIntegersAndNaN() throws {
        let i = try Tensor(shape: [2, 3], scalars: [Int64(1), 5, 5, -2, 0, 7])
        #expect(try i.sum(axes: [1]).toArray(of: Int64.self) == [11, 5])
        #expect(try i.argmax(axis: 1).toArray(of: Int64.self) == [1, 2])  // first of equal maxima
        let f = try Tensor(shape: [3], scalars: [Float(1), .nan, 3])
        #expect(try f.amax().scalars[0].isNaN)
        #expect(try f.argmax().toArray(of: Int64.self) == [1])
        #expect(throws: TensorError.self) { try Tensor.zeros([0]).amax() }
    }

    @Test func randomIsReproducibleAndRestorable() throws {
        let a = Tensor.randn([1000], generator: RandomGenerator(seed: 123))
        #expect(Tensor.randn([1000], generator: RandomGenerator(seed: 123)).scalars == a.scalars)
        let mean = try a.mean().item(), std = try a.standardDeviation().item()
        #expect(abs(mean) < 0.1 && abs(std - 1) < 0.1)
        let g = RandomGenerator(seed: 5)
        _ = g.normal()
        let state = g.state
        let next = (0..<5).map { _ in g.normal() }
        try g.restore(state)
        #expect((0..<5).map { _ in g.normal() } == next)
        let p = try Tensor.permutation(50, generator: g).toArray(of: Int64.self)
        #expect(p.sorted() == Array(0..<50))
        #expect(throws: TensorError.self) { try g.restore([1, 2]) }
    }

    @Test func blasKernelChoice() {
        #expect(
            BLAS.preferredCoreType(cpuFlags: ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"])
                == "SkylakeX")
        #expect(BLAS.preferredCoreType(cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")
        #expect(BLAS.preferredCoreType(cpuFlags: ["sse4_2"]) == nil)
        #expect(BLAS.kernelVerified)
    }

    @Test func noGradIsPerThreadAndDetachCuts() throws {
        let w = try Tensor.ones([3]).setRequiresGrad()
        let y = try noGrad { try w * 2 }
        #expect(!y.requiresGrad)
        let z = try (w * 3).detached()
        #expect(!z.requiresGrad && z.isLeaf)
        let loss = try (w * w).sum()
        try loss.backward()
        #expect(w.grad?.scalars == [2, 2, 2])
        try (w * w).sum().backward()  // accumulates
        #expect(w.grad?.scalars == [4, 4, 4])
        #expect(throws: TensorError.self) { try loss.backward() }  // graph already released
    }
}
