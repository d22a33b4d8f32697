/// The element type of a tensor.
///
/// `float32` is the compute type; `float64` exists for exact reference computations (gradient
/// checks) and for reading F64 checkpoints; `int64` holds ids, labels and indices (0-based, as in
/// PyTorch); `bool` holds masks. `float16` and `bfloat16` are storage formats: tensors of those
/// types can be loaded and saved, and every computation converts them to `float32` first.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int64, bool, float16, bfloat16

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        case .float16, .bfloat16: return 2
        }
    }

    /// Whether computations on this type produce floating-point results of the same type.
    public var isComputeFloat: Bool { self == .float32 || self == .float64 }

    /// Whether values are floating point (including the storage-only half types).
    public var isFloatingPoint: Bool { self != .int64 && self != .bool }

    /// The type a computation on this dtype runs in: half types and integers widen to float32
    /// for floating-point math.
    public var floatComputeType: DType { self == .float64 ? .float64 : .float32 }

    public var description: String { rawValue }
}

/// A Swift type that can be the element of a tensor.
public protocol TensorScalar: Sendable {
    /// The dtype whose elements have this Swift type.
    static var dtype: DType { get }
}

extension Float: TensorScalar { public static var dtype: DType { .float32 } }
extension Double: TensorScalar { public static var dtype: DType { .float64 } }
extension Int64: TensorScalar { public static var dtype: DType { .int64 } }
extension Bool: TensorScalar { public static var dtype: DType { .bool } }
