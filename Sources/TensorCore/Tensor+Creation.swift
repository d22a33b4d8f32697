/// Creating tensors from values and patterns.
extension Tensor {
    /// A tensor of `shape` holding `scalars` in row-major order.
    /// - Throws: when the number of scalars differs from the shape's element count.
    public convenience init<T: TensorScalar>(shape: [Int], scalars: [T]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shape("tensor: negative size in shape \(describe(shape))")
        }
        guard scalars.count == shape.reduce(1, *) else {
            throw TensorError.shape("tensor: \(scalars.count) values do not fill shape \(describe(shape))")
        }
        self.init(zeros: shape, dtype: T.dtype)
        scalars.withUnsafeBufferPointer { src in
            pointer(as: T.self).update(from: src.baseAddress!, count: src.count)
        }
    }

    /// A rank-0 tensor holding one value.
    public convenience init<T: TensorScalar>(scalar: T) {
        self.init(zeros: [], dtype: T.dtype)
        pointer(as: T.self).pointee = scalar
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(zeros: shape, dtype: dtype)
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, 1, dtype: dtype)
    }

    /// `shape` filled with `value` (converted to `dtype`).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(zeros: shape, dtype: dtype)
        // The storage is +0 already; -0 (value == 0 too) still needs writing.
        if value != 0 || value.sign == .minus { t.fill(value) }
        return t
    }

    /// Zeros shaped and typed like `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }

    /// Values `start, start+step, …` below `end` (above it for a negative step), as PyTorch's
    /// `arange`. Integer arguments give int64 unless `dtype` says otherwise.
    public static func arange(
        _ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil
    ) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument("arange: step must be a non-zero finite number")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps < 1e12 else {
            throw TensorError.invalidArgument("arange: \(start) to \(end) by \(step) has too many elements")
        }
        let n = Swift.max(0, Int(steps))
        let integral = start.rounded() == start && step.rounded() == step
        let type = dtype ?? (integral ? .int64 : .float32)
        let t = Tensor(zeros: [n], dtype: type)
        t.assign(count: n) { start + Double($0) * step }
        return t
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) throws -> Tensor {
        guard count >= 0 else { throw TensorError.invalidArgument("linspace: count must be >= 0, got \(count)") }
        let t = Tensor(zeros: [count], dtype: dtype)
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        // PyTorch fills the second half from the end so that the last value is exactly `end`.
        t.assign(count: count) { i in i < count / 2 ? start + step * Double(i) : end - step * Double(count - 1 - i) }
        return t
    }

    /// The `n`×`m` identity (ones on the diagonal).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let m = m ?? n
        guard n >= 0, m >= 0 else { throw TensorError.invalidArgument("eye: sizes must be >= 0, got \(n)×\(m)") }
        let t = Tensor(zeros: [n, m], dtype: dtype)
        t.assign(count: n * m) { i in i / m == i % m ? 1 : 0 }
        return t
    }

    /// Sets every element of this fresh contiguous tensor to `value`.
    func fill(_ value: Double) {
        let n = count
        switch dtype {
        case .float32: pointer(as: Float.self).update(repeating: Float(value), count: n)
        case .float64: pointer(as: Double.self).update(repeating: value, count: n)
        case .int64: pointer(as: Int64.self).update(repeating: Int64(saturating: value), count: n)
        case .bool: pointer(as: Bool.self).update(repeating: value != 0, count: n)
        case .float16, .bfloat16:
            let bits = dtype == .float16 ? Half.floatToFloat16(Float(value)) : Half.floatToBfloat16(Float(value))
            (storage.base.assumingMemoryBound(to: UInt16.self) + offset).update(repeating: bits, count: n)
        }
    }

    /// Writes `value(i)` to element i of this fresh contiguous tensor.
    func assign(count n: Int, _ value: (Int) -> Double) {
        for i in 0..<n { setElement(i, value(i)) }
    }

    /// Writes `value` at flat index `i` of a contiguous tensor, converting to the dtype.
    func setElement(_ i: Int, _ value: Double) {
        switch dtype {
        case .float32: pointer(as: Float.self)[i] = Float(value)
        case .float64: pointer(as: Double.self)[i] = value
        case .int64: pointer(as: Int64.self)[i] = Int64(saturating: value)
        case .bool: pointer(as: Bool.self)[i] = value != 0
        case .float16:
            (storage.base.assumingMemoryBound(to: UInt16.self) + offset)[i] = Half.floatToFloat16(Float(value))
        case .bfloat16:
            (storage.base.assumingMemoryBound(to: UInt16.self) + offset)[i] = Half.floatToBfloat16(Float(value))
        }
    }
}

extension Int64 {
    /// Converts toward zero, clamping to the representable range; NaN becomes 0. (A plain
    /// `Int64(x)` traps on such values, and they can come from user input.)
    init(saturating x: Double) {
        if x.isNaN {
            self = 0
        } else if x >= 9.2233720368547758e18 {
            self = .max
        } else if x <= -9.2233720368547758e18 {
            self = .min
        } else {
            self = Int64(x)
        }
    }
}
