/// An n-dimensional array of one ``DType``, viewing a ``Storage`` through a shape, strides and an
/// offset (all in elements), with reverse-mode automatic differentiation.
///
/// Views (``select(axis:index:)``, ``narrow(axis:start:length:)``, ``permuted(_:)``,
/// ``expanded(to:)``…) share storage with their base; operations return new tensors. A tensor's
/// shape never changes after creation. Operations that can fail on user input throw
/// ``TensorError`` with a message naming the operation and the shapes.
///
/// A tensor is `Sendable`: once built it may be read from any thread (the data loader builds
/// tensors on worker threads). Autograd state (`grad`, the graph) is used from one thread.
public final class Tensor: @unchecked Sendable {
    /// The memory this tensor views.
    public let storage: Storage
    /// The size of each axis.
    public let shape: [Int]
    /// Elements to step in storage for a step along each axis (0 on broadcast axes).
    public let strides: [Int]
    /// Index of the first element in storage, in elements.
    public let offset: Int
    /// The element type.
    public let dtype: DType

    /// Whether gradients flow to this tensor. Set on leaves with ``requiringGrad(_:)``; outputs of
    /// operations on such tensors require grad too.
    public internal(set) var requiresGrad = false
    /// The accumulated gradient of a leaf after ``backward(_:)``.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded for autograd.
    var gradNode: GradNode?

    /// Creates a tensor viewing `storage`.
    public init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0, dtype: DType) {
        precondition(shape.count == strides.count, "shape and strides differ in rank")
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
    }

    /// Allocates a zero-filled contiguous tensor.
    public convenience init(zeros shape: [Int], dtype: DType = .float32) {
        let n = shape.reduce(1, *)
        self.init(
            storage: Storage(byteCount: n * dtype.byteCount), shape: shape,
            strides: Tensor.contiguousStrides(shape), dtype: dtype)
    }

    /// Allocates a contiguous tensor whose elements the caller will all overwrite (kernel
    /// outputs), skipping the zero fill.
    convenience init(uninitialized shape: [Int], dtype: DType) {
        let n = shape.reduce(1, *)
        self.init(
            storage: Storage(byteCount: n * dtype.byteCount, zeroed: false), shape: shape,
            strides: Tensor.contiguousStrides(shape), dtype: dtype)
    }

    // MARK: - Queries

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Whether elements are laid out row-major with no gaps, so a flat pointer walks them in order.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// The size of `axis` (negative counts from the end).
    public func size(_ axis: Int) throws -> Int { shape[try normalizeAxis(axis, rank: rank, op: "size")] }

    /// Row-major strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= Swift.max(shape[axis], 1)
        }
        return strides
    }

    // MARK: - Raw access

    /// A typed pointer to the first element (at `offset`). The caller respects `strides`.
    @inline(__always)
    public func pointer<T: TensorScalar>(as type: T.Type = T.self) -> UnsafeMutablePointer<T> {
        storage.base.assumingMemoryBound(to: T.self) + offset
    }

    /// Calls `body` with the elements of a contiguous tensor of `T`'s dtype.
    /// - Throws: ``TensorError/invalidArgument(_:)`` when the dtype differs or the tensor is not
    ///   contiguous.
    public func withUnsafeBufferPointer<T: TensorScalar, R>(
        as type: T.Type = T.self, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) throws -> R {
        try checkRaw(T.dtype)
        return try body(UnsafeBufferPointer(start: pointer(as: T.self), count: count))
    }

    /// Calls `body` with the mutable elements of a contiguous tensor of `T`'s dtype — for filling a
    /// freshly made tensor (decoders, loaders). Writing into a tensor that others view changes them.
    public func withUnsafeMutableBufferPointer<T: TensorScalar, R>(
        as type: T.Type = T.self, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) throws -> R {
        try checkRaw(T.dtype)
        return try body(UnsafeMutableBufferPointer(start: pointer(as: T.self), count: count))
    }

    /// `withUnsafeMutableBufferPointer(as: Float.self)`, the common case.
    public func withUnsafeMutableFloats<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) throws -> R {
        try withUnsafeMutableBufferPointer(as: Float.self, body)
    }

    private func checkRaw(_ wanted: DType) throws {
        guard dtype == wanted else {
            throw TensorError.invalidArgument("raw access as \(wanted) to a \(dtype) tensor")
        }
        guard isContiguous else {
            throw TensorError.invalidArgument("raw access needs a contiguous tensor; call contiguous()")
        }
    }
}

/// Resolves a possibly negative axis against `rank`; `op` names the operation in the error.
@inline(__always)
func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < max(rank, 1) else {
        throw TensorError.invalidArgument("\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
    }
    return a
}

/// Formats a shape as `[2, 3]` for messages.
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
