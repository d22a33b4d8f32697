/// A value built by the restricted unpickler. Only data: the one kind of call it performs —
/// a PyTorch tensor rebuild — is recorded as a ``TensorReference`` and turned into a tensor later,
/// once the storage bytes are at hand.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`: little-endian two's-complement bytes, as LONG1/LONG4 hold it.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    /// Lists, sets and dicts are references: pickles memoize a container and fill it afterwards.
    case list(PickleList)
    case set(PickleList)
    case dict(PickleDict)
    /// An allowed global (a callable or type the reader emulates).
    case global(PickleGlobal)
    /// A storage named by a persistent id.
    case storage(StorageReference)
    case tensor(TensorReference)

    /// A short name of the value's kind for messages, in Python's terms.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .set: return "set"
        case .dict: return "dict"
        case .global(let g): return g.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A mutable list (or set) shared by every reference to it.
final class PickleList {
    var items: [PickleValue]
    /// How deeply the list nests (1 when it holds no containers), kept by the unpickler.
    var depth: Int
    init(_ items: [PickleValue] = [], depth: Int = 1) {
        self.items = items
        self.depth = depth
    }
}

/// A mutable dict shared by every reference to it; pairs in insertion order.
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
    /// How deeply the dict nests (1 when it holds no containers), kept by the unpickler.
    var depth = 1
}

/// A storage a tensor views: the archive entry or legacy record `key`, holding `count`
/// elements of `type` (bytes, for untyped storages).
struct StorageReference: Equatable {
    let key: String
    let type: TorchStorageType
    let count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2/_v3` describe it: a strided view of a storage.
/// Offset and strides count elements of `elementType`.
struct TensorReference {
    let storage: StorageReference
    let elementType: TorchElementType
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
