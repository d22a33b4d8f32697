#if canImport(Glibc)
import Glibc
#endif

/// A seedable pseudo-random generator (xoshiro256**, seeded through splitmix64).
///
/// The same seed gives the same numbers on every run and every machine: tensors are filled
/// sequentially on the calling thread, whatever the thread count. The state can be read and
/// restored, which training checkpoints use to resume exactly.
public final class RandomGenerator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// A second normal deviate from the last Box–Muller pair, used before drawing again.
    private var spareNormal: Double?

    /// The calling thread's default generator: the one behind `tensor.seed`, `rand`, dropout and
    /// weight initialisation when no other is given. Each thread has its own, started from the
    /// same seed, so work on one thread (a notebook session, one test) gets the same numbers
    /// whatever other threads draw meanwhile.
    public static var shared: RandomGenerator {
        if let p = pthread_getspecific(threadKey) {
            return Unmanaged<RandomGenerator>.fromOpaque(p).takeUnretainedValue()
        }
        let g = RandomGenerator(seed: 0x5EED)
        pthread_setspecific(threadKey, Unmanaged.passRetained(g).toOpaque())
        return g
    }

    /// Holds each thread's default generator; releases it when the thread ends.
    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { p in if let p { Unmanaged<RandomGenerator>.fromOpaque(p).release() } }
        return key
    }()

    public init(seed: UInt64) { self.seed(seed) }

    /// Restarts the sequence from `seed`.
    public func seed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
        spareNormal = nil
    }

    /// The full state, for checkpoints: four words, then a flag and a pending normal deviate.
    public var state: [UInt64] {
        [s.0, s.1, s.2, s.3] + (spareNormal.map { [1, $0.bitPattern] } ?? [0, 0])
    }

    /// Restores a ``state`` saved earlier.
    public func restore(_ state: [UInt64]) throws {
        guard state.count == 6, state[4] <= 1, state[0...3].contains(where: { $0 != 0 }) else {
            throw TensorError.invalidArgument("random state: expected 6 words as saved by Ember, got \(state.count)")
        }
        s = (state[0], state[1], state[2], state[3])
        spareNormal = state[4] == 1 ? Double(bitPattern: state[5]) : nil
    }

    /// 64 random bits.
    @inline(__always)
    public func next() -> UInt64 {
        let result = rotate(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotate(s.3, 45)
        return result
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller; deviates come in pairs).
    public func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - uniform()  // (0, 1]: log stays finite
        let u2 = uniform()
        let r = (-2 * Glibc.log(u1)).squareRoot()
        spareNormal = r * sin(2 * .pi * u2)
        return r * cos(2 * .pi * u2)
    }

    /// Uniform integer in `range` without modulo bias (Lemire's method).
    public func integer(in range: Range<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        var m = next().multipliedFullWidth(by: span)
        if m.low < span {
            let threshold = (0 &- span) % span
            while m.low < threshold { m = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound &+ Int64(bitPattern: m.high)
    }
}

extension Tensor {
    /// Uniform samples in [0, 1).
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .shared) -> Tensor {
        filled(shape, dtype) { _ in generator.uniform() }
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .shared) -> Tensor {
        filled(shape, dtype) { _ in generator.normal() }
    }

    /// Uniform samples in [low, high).
    public static func uniform(
        _ shape: [Int], low: Double, high: Double, dtype: DType = .float32,
        generator: RandomGenerator = .shared
    ) -> Tensor {
        filled(shape, dtype) { _ in low + (high - low) * generator.uniform() }
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(
        _ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
        generator: RandomGenerator = .shared
    ) -> Tensor {
        filled(shape, dtype) { _ in mean + std * generator.normal() }
    }

    /// Integers uniform in [low, high) (int64).
    public static func randint(_ low: Int64, _ high: Int64, shape: [Int], generator: RandomGenerator = .shared) throws
        -> Tensor
    {
        guard low < high else { throw TensorError.invalidArgument("randint: low \(low) must be below high \(high)") }
        let t = Tensor(zeros: shape, dtype: .int64)
        let p = t.pointer(as: Int64.self)
        for i in 0..<t.count { p[i] = generator.integer(in: low..<high) }
        return t
    }

    /// A random ordering of 0..<n (int64), by Fisher–Yates.
    public static func permutation(_ n: Int, generator: RandomGenerator = .shared) throws -> Tensor {
        guard n >= 0 else { throw TensorError.invalidArgument("permutation: n must be >= 0, got \(n)") }
        var values = (0..<Int64(n)).map { $0 }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                values.swapAt(i, Int(generator.integer(in: 0..<Int64(i + 1))))
            }
        }
        return try Tensor(shape: [n], scalars: values)
    }

    private static func filled(_ shape: [Int], _ dtype: DType, _ value: (Int) -> Double) -> Tensor {
        let t = Tensor(zeros: shape, dtype: dtype)
        t.assign(count: t.count, value)
        return t
    }

    /// Zeroes each element with probability `p` and scales the rest by 1/(1−p); the identity when
    /// `training` is false or `p` is 0.
    public func dropout(p: Double, training: Bool = true, generator: RandomGenerator = .shared) throws -> Tensor {
        guard (0...1).contains(p) else { throw TensorError.invalidArgument("dropout: p must be in [0, 1], got \(p)") }
        guard training, p > 0 else { return self }
        let keep = Tensor(zeros: shape, dtype: dtype.floatComputeType)
        let scale = p == 1 ? 0 : 1 / (1 - p)
        keep.assign(count: keep.count) { _ in generator.uniform() >= p ? scale : 0 }
        let y = try detached() * keep
        return y.recorded("dropout", [self]) { g in [try g * keep] }
    }
}
