import TensorCore

/// The element types of PyTorch storages that Ember reads, with their pickled names.
///
/// Six map to a ``DType`` directly; the other integer types are widened to `int64` on load,
/// as TensorCore's safetensors reader does.
enum TorchElementType: String, CaseIterable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, uint16, uint32, bool

    /// Bytes per element on disk.
    var byteCount: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The Ember dtype a tensor of this type loads as.
    var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .bool: return .bool
        case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32: return .int64
        }
    }

    /// Whether the on-disk bytes are already an Ember tensor's bytes (little-endian). `bool` is
    /// not: a byte other than 0 or 1 is not a valid Swift `Bool`, so bools are always copied.
    var isDirect: Bool { byteCount == dtype.byteCount && self != .bool }

    /// The legacy typed-storage class that holds this type (`torch.FloatStorage`…), if any.
    /// uint16 and uint32 exist only as untyped storages (`_rebuild_tensor_v3`).
    var storageClassName: String? {
        switch self {
        case .float32: return "FloatStorage"
        case .float64: return "DoubleStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .int8: return "CharStorage"
        case .uint8: return "ByteStorage"
        case .bool: return "BoolStorage"
        case .uint16, .uint32: return nil
        }
    }

    /// Reads element `i` of `bytes` (little-endian) as an Int64 — for the widened integer types.
    @inline(__always)
    func integer(_ bytes: UnsafeRawPointer, _ i: Int) -> Int64 {
        switch self {
        case .int32: return Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
        case .int16: return Int64(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
        case .int8: return Int64(bytes.load(fromByteOffset: i, as: Int8.self))
        case .uint8: return Int64(bytes.load(fromByteOffset: i, as: UInt8.self))
        case .uint16: return Int64(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
        case .uint32: return Int64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        default: preconditionFailure("integer(_:_:) on \(self)")
        }
    }
}

/// The storage class named in a persistent id: a typed storage of one element type, or an
/// untyped byte storage whose element type the tensor rebuild gives (`_rebuild_tensor_v3`).
enum TorchStorageType: Equatable {
    case typed(TorchElementType)
    case untyped

    /// Bytes per counted element (1 for untyped storages, whose count is in bytes).
    var byteCount: Int {
        if case .typed(let t) = self { return t.byteCount }
        return 1
    }

    var name: String {
        switch self {
        case .typed(let t): return "torch." + (t.storageClassName ?? t.rawValue)
        case .untyped: return "torch.UntypedStorage"
        }
    }
}
