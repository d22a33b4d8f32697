/// The globals a checkpoint pickle may name: everything `torch.save` writes for a dict of
/// tensors, and nothing else. Any other `module.name` is refused when the pickle looks it up,
/// so nothing a pickle names is ever called — the reader emulates these few by hand.
enum PickleGlobal: Equatable {
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_tensor_v3(…, dtype[, metadata])`: an untyped storage read as `dtype`.
    case rebuildTensorV3
    /// `torch._utils._rebuild_parameter(data, requires_grad, hooks)` (and `_with_state`, + state).
    case rebuildParameter(withState: Bool)
    /// A storage class named in a persistent id (`torch.FloatStorage`, `torch.cuda.HalfStorage`…).
    case storageType(TorchStorageType)
    /// A dtype object (`torch.uint16`), an argument of `_rebuild_tensor_v3`.
    case dtype(TorchElementType)
    /// `collections.OrderedDict`, called with no arguments (then filled by SETITEMS).
    case orderedDict
    /// `_codecs.encode(text, "latin1")`: how protocol 2 pickles `bytes`.
    case codecsEncode

    /// The allowed global `module.name`, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor_v3"): self = .rebuildTensorV3
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter(withState: false)
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameter(withState: true)
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("_codecs", "encode"): self = .codecsEncode
        case ("torch", "UntypedStorage"), ("torch.storage", "UntypedStorage"): self = .storageType(.untyped)
        // Checkpoints saved from a GPU name the CUDA storage classes; the bytes on disk are the same.
        case ("torch", _), ("torch.cuda", _):
            if let type = TorchElementType.allCases.first(where: { $0.storageClassName == name }) {
                self = .storageType(.typed(type))
            } else if module == "torch", let type = TorchElementType(rawValue: name) {
                self = .dtype(type)
            } else {
                return nil
            }
        default: return nil
        }
    }

    /// The dotted Python name, for messages.
    var qualifiedName: String {
        switch self {
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensorV3: return "torch._utils._rebuild_tensor_v3"
        case .rebuildParameter(let withState):
            return withState ? "torch._utils._rebuild_parameter_with_state" : "torch._utils._rebuild_parameter"
        case .storageType(let type): return type.name
        case .dtype(let type): return "torch." + type.rawValue
        case .orderedDict: return "collections.OrderedDict"
        case .codecsEncode: return "_codecs.encode"
        }
    }
}
