import TensorCore

/// A module that maps one tensor to one tensor — what ``Sequential`` chains.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// Chains layers, feeding each output to the next (`nn.Sequential`); children are named
/// "0", "1", … as in PyTorch.
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        super.init()
        for (i, l) in layers.enumerated() { register(child: String(i), l) }
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try layers.reduce(x) { try $1($0) }
    }
}

/// A list of modules registered as "0", "1", … (`nn.ModuleList`), for encoder layers.
public final class ModuleList<Element: Module>: Module {
    public let items: [Element]

    public init(_ items: [Element]) {
        self.items = items
        super.init()
        for (i, m) in items.enumerated() { register(child: String(i), m) }
    }

    public override var typeName: String { "ModuleList" }
}
