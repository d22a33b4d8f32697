import COpenBLAS

#if canImport(Glibc)
import Glibc
#endif

/// The one place that talks to OpenBLAS.
///
/// OpenBLAS picks its kernel ("core type") when the library loads, from `OPENBLAS_CORETYPE` or
/// its own CPU detection — and Debian's 0.3.21 misdetects some current CPUs and falls back to its
/// slowest kernel. So Ember does not link OpenBLAS: on first use it reads the CPU's features,
/// sets `OPENBLAS_CORETYPE` to the fastest kernel those features run correctly (unless the user
/// set the variable, which always wins), and only then opens the library with `dlopen`.
/// A small product checked against a plain loop confirms the kernel computes correctly.
public enum BLAS {
    typealias GemmF =
        @convention(c) (
            CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
            Float, UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint,
            Float, UnsafeMutablePointer<Float>?, blasint
        ) -> Void
    typealias GemmD =
        @convention(c) (
            CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
            Double, UnsafePointer<Double>?, blasint, UnsafePointer<Double>?, blasint,
            Double, UnsafeMutablePointer<Double>?, blasint
        ) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    struct Library {
        let sgemm: GemmF
        let dgemm: GemmD
        let setThreads: SetThreads
        let kernel: String
        /// How the kernel was chosen, for `ember --version` and the benchmark.
        let choice: String
    }

    /// Loaded on first use; a missing library is a set-up error (scripts/setup installs it).
    static let library: Library = load()

    /// The OpenBLAS kernel in use and how it was chosen, e.g. `SkylakeX (chosen from CPU features)`.
    public static var kernelDescription: String { "\(library.kernel) (\(library.choice))" }

    /// Whether the kernel in use passed the start-up check against a plain loop.
    public static var kernelVerified: Bool { verify() }

    static func setThreads(_ n: Int) { library.setThreads(Int32(n)) }

    /// The kernel this CPU's features support, fastest first; nil leaves OpenBLAS's own choice.
    public static func preferredCoreType(cpuFlags: Set<Substring>) -> String? {
        let avx512: [Substring] = ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        if avx512.allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    private static func cpuFlags() -> Set<Substring> {
        guard let f = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
            }
        }
        return []
    }

    private static func load() -> Library {
        let choice: String
        if let user = getenv("OPENBLAS_CORETYPE") {
            choice = "OPENBLAS_CORETYPE=\(String(cString: user)) set by the user"
        } else if let core = preferredCoreType(cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", core, 1)
            choice = "chosen from CPU features"
        } else {
            choice = "OpenBLAS's own detection"
        }
        let names = ["libopenblas.so.0", "libopenblas.so"]
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_GLOBAL) }).first else {
            fatalError("Ember: cannot open OpenBLAS (libopenblas.so.0); run scripts/setup")
        }
        func symbol<F>(_ name: String, _ type: F.Type) -> F {
            guard let p = dlsym(handle, name) else { fatalError("Ember: OpenBLAS lacks \(name)") }
            return unsafeBitCast(p, to: type)
        }
        let coreName = symbol("openblas_get_corename", CoreName.self)
        let lib = Library(
            sgemm: symbol("cblas_sgemm", GemmF.self), dgemm: symbol("cblas_dgemm", GemmD.self),
            setThreads: symbol("openblas_set_num_threads", SetThreads.self),
            kernel: coreName().map { String(cString: $0) } ?? "unknown", choice: choice)
        lib.setThreads(Int32(Parallel.threadCount))
        return lib
    }

    /// C ← alpha·op(A)·op(B) + beta·C for row-major matrices (float32).
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        library.sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// C ← alpha·op(A)·op(B) + beta·C for row-major matrices (float64).
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        library.dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// Multiplies odd-sized matrices through the kernel and by a plain loop and compares.
    private static func verify() -> Bool {
        let m = 67, n = 45, k = 83
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 23) / 23 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 104729) % 31) / 31 - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        gemm(
            transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
            beta: 0, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
                if abs(s - c[i * n + j]) > 1e-4 { return false }
            }
        }
        return true
    }
}
