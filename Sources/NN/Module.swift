import TensorCore

/// A building block that owns parameters and child modules (PyTorch's `nn.Module`).
///
/// Subclasses create their parameters and children in `init` and register them under the names
/// Hugging Face uses, so ``namedParameters()`` yields exactly the dotted keys of a checkpoint
/// (`encoder.layer.0.attention.self.query.weight`). Parameters are leaf tensors that require
/// grad; loading a state dict copies values into them in place, so optimizers holding them stay
/// valid.
open class Module {
    /// Whether the module is in training mode (dropout active). Set with ``train(_:)``/``eval()``.
    public private(set) var isTraining = true
    private var parameterList: [(name: String, tensor: Tensor)] = []
    private var bufferList: [(name: String, tensor: Tensor)] = []
    private var childList: [(name: String, module: Module)] = []

    public init() {}

    /// A short type name for summaries (`Linear`, `BertLayer`).
    open var typeName: String { String(describing: type(of: self)) }

    /// Extra detail shown after the type name in summaries (`in=768, out=3072`).
    open var summaryDetail: String { "" }

    // MARK: - Registration

    /// Registers `tensor` as a trainable parameter called `name` and returns it.
    @discardableResult
    public func register(parameter name: String, _ tensor: Tensor) -> Tensor {
        precondition(!name.contains("."), "parameter names are single components")
        _ = try? tensor.setRequiresGrad(true)
        parameterList.append((name, tensor))
        return tensor
    }

    /// Registers a non-trainable tensor saved with the state dict (PyTorch's persistent buffer).
    @discardableResult
    public func register(buffer name: String, _ tensor: Tensor) -> Tensor {
        bufferList.append((name, tensor))
        return tensor
    }

    /// Registers `module` as a child called `name` and returns it.
    @discardableResult
    public func register<M: Module>(child name: String, _ module: M) -> M {
        childList.append((name, module))
        return module
    }

    // MARK: - Traversal

    /// Direct children in registration order.
    public var children: [(name: String, module: Module)] { childList }

    /// This module and all descendants with their dotted paths ("" for self), depth first.
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var out = [(prefix, self as Module)]
        for (name, child) in childList {
            out += child.namedModules(prefix: prefix.isEmpty ? name : prefix + "." + name)
        }
        return out
    }

    /// Every parameter with its dotted Hugging Face name, in registration order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, m in
            m.parameterList.map { (path.isEmpty ? $0.name : path + "." + $0.name, $0.tensor) }
        }
    }

    /// Every persistent buffer with its dotted name.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        namedModules().flatMap { path, m in
            m.bufferList.map { (path.isEmpty ? $0.name : path + "." + $0.name, $0.tensor) }
        }
    }

    /// Every parameter (trainable or frozen).
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Parameters that currently require grad (not frozen).
    public func trainableParameters() -> [Tensor] { parameters().filter(\.requiresGrad) }

    /// The number of scalars in all parameters (or only trainable ones).
    public func parameterCount(trainableOnly: Bool = false) -> Int {
        (trainableOnly ? trainableParameters() : parameters()).reduce(0) { $0 + $1.count }
    }

    // MARK: - Modes

    /// Sets training mode on this module and every descendant; returns self.
    @discardableResult
    public func train(_ on: Bool = true) -> Self {
        for (_, m) in namedModules() { m.isTraining = on }
        return self
    }

    /// Evaluation mode (dropout off); returns self.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Stops gradients for parameters whose name matches `pattern` (see ``ParameterPattern``);
    /// returns how many parameters it froze. - Throws: when nothing matches (a typo, usually).
    @discardableResult
    public func freeze(_ pattern: String = "*") throws -> Int { try setTrainable(false, pattern) }

    /// Lets gradients reach parameters matching `pattern` again; returns how many.
    @discardableResult
    public func unfreeze(_ pattern: String = "*") throws -> Int { try setTrainable(true, pattern) }

    private func setTrainable(_ on: Bool, _ pattern: String) throws -> Int {
        let matcher = ParameterPattern(pattern)
        let hits = namedParameters().filter { matcher.matches($0.name) }
        guard !hits.isEmpty else {
            throw TensorError.invalidArgument("\(on ? "unfreeze" : "freeze"): no parameter matches '\(pattern)'")
        }
        for (_, t) in hits { try t.setRequiresGrad(on) }
        return hits.count
    }
}

/// Parameter-name patterns for freeze/unfreeze: `*` matches any run of characters; a pattern
/// without `*` matches that name or everything under it (`encoder.layer.0` matches
/// `encoder.layer.0.output.dense.weight` but not `encoder.layer.01…`).
public struct ParameterPattern: Sendable {
    let pattern: String
    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ name: String) -> Bool {
        if !pattern.contains("*") { return name == pattern || name.hasPrefix(pattern + ".") }
        return glob(Array(pattern.utf8)[...], Array(name.utf8)[...])
    }

    private func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == UInt8(ascii: "*") {
            var rest = s
            while true {
                if glob(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let c = s.first, c == first else { return false }
        return glob(p.dropFirst(), s.dropFirst())
    }
}
