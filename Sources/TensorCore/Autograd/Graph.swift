/// One recorded operation: the inputs gradients flow to and the closure that computes them.
///
/// The closure captures what the backward formula needs (inputs, outputs, masks). After it has
/// run once it is dropped, which frees those saved tensors as the backward pass goes.
final class GradNode {
    let name: String
    var inputs: [Tensor]
    var backward: ((Tensor) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

extension Tensor {
    /// Records `self` — the fresh output of operation `name` on `inputs` — for autograd when grad
    /// mode is on and some input requires grad. `backward` maps the gradient of `self` to one
    /// gradient per input (nil for inputs that need none), each shaped like its input.
    @discardableResult
    func recorded(
        _ name: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) throws -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return self }
        requiresGrad = true
        gradNode = GradNode(name: name, inputs: inputs, backward: backward)
        return self
    }

    /// Custom differentiable operations defined outside TensorCore (losses with a hand-written
    /// gradient, like CTC) attach their backward here: `self` is the op's fresh output computed
    /// without autograd, `backward` maps its gradient to one gradient per input.
    public func recordingGradient(
        _ name: String, inputs: [Tensor], _ backward: @escaping (Tensor) throws -> [Tensor?]
    ) -> Tensor {
        recorded(name, inputs, backward)
    }

    /// Whether this tensor was created by the user rather than recorded from an operation.
    public var isLeaf: Bool { gradNode == nil }

    /// The name of the operation that produced this tensor, if it was recorded (`grad_fn`).
    public var gradFunctionName: String? { gradNode?.name }

    /// Marks a leaf tensor as requiring (or not) gradients and returns it.
    /// - Throws: when the tensor is not floating point, or is not a leaf.
    @discardableResult
    public func setRequiresGrad(_ flag: Bool = true) throws -> Tensor {
        guard dtype.isComputeFloat || !flag else {
            throw TensorError.invalidArgument(
                "requires_grad: only float32/float64 tensors can require gradients, not \(dtype)")
        }
        guard isLeaf else {
            throw TensorError.invalidArgument(
                "requires_grad: can only be set on a leaf tensor, not the output of \(gradNode!.name)")
        }
        requiresGrad = flag
        return self
    }

    /// A tensor sharing this one's elements, cut off from the graph.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// Back-propagates from this tensor, accumulating into the `grad` of every leaf that requires
    /// grad. Without `gradient` the tensor must hold a single element (a loss).
    /// The graph is released as it is consumed; a second backward through it is an error.
    public func backward(_ gradient: Tensor? = nil) throws {
        guard requiresGrad else {
            throw TensorError.invalidArgument(
                "backward: the tensor does not require grad (nothing it depends on requires grad)")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError.shape(
                    "backward: gradient \(describe(gradient.shape)) for a tensor of shape \(describe(shape))")
            }
            seed = gradient.converted(to: dtype)
        } else {
            guard count == 1 else {
                throw TensorError.shape(
                    "backward: a gradient is needed for a non-scalar tensor of shape \(describe(shape))")
            }
            seed = Tensor.full(shape, 1, dtype: dtype)
        }
        try noGrad { try propagate(seed) }
    }

    private func propagate(_ seed: Tensor) throws {
        var order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        // Storages handed to leaves in this pass: a leaf's grad must own its memory, because
        // optimizers and clip_grad_norm update grads in place.
        var usedStorages: Set<ObjectIdentifier> = [ObjectIdentifier(seed.storage)]
        if isLeaf { try accumulateLeafGrad(seed, storages: &usedStorages); return }
        for i in stride(from: order.count - 1, through: 0, by: -1) {
            let t = order[i]
            order[i] = nil
            guard let t, let node = t.gradNode, let g = pending.removeValue(forKey: ObjectIdentifier(t))
            else { continue }
            guard let backward = node.backward else {
                throw TensorError.invalidArgument(
                    "backward: the graph through \(node.name) was already used by an earlier backward; recompute the forward pass"
                )
            }
            let grads = try backward(g)
            for (input, ig) in zip(node.inputs, grads) {
                guard let ig, input.requiresGrad else { continue }
                if input.isLeaf {
                    try input.accumulateLeafGrad(ig, storages: &usedStorages)
                } else if let existing = pending[ObjectIdentifier(input)] {
                    pending[ObjectIdentifier(input)] = try existing + ig
                } else {
                    pending[ObjectIdentifier(input)] = ig
                }
            }
            node.backward = nil
            node.inputs = []
        }
    }

    private func accumulateLeafGrad(_ g: Tensor, storages: inout Set<ObjectIdentifier>) throws {
        precondition(g.shape == shape, "backward produced \(describe(g.shape)) for \(describe(shape))")
        if let grad {
            self.grad = try grad + g
            return
        }
        let ownsStorage =
            g.isContiguous && g.offset == 0
            && g.count * g.dtype.byteCount == g.storage.byteCount
            && !storages.contains(ObjectIdentifier(g.storage))
        let owned = ownsStorage ? g : g.copied()
        storages.insert(ObjectIdentifier(owned.storage))
        grad = owned
    }

    /// Recorded tensors reachable from `self`, inputs before outputs (iterative DFS, so deep
    /// graphs do not overflow the stack).
    private func topologicalOrder() -> [Tensor?] {
        var order: [Tensor?] = []
        var visited: Set<ObjectIdentifier> = []
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard let node = t.gradNode, visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            for input in node.inputs where input.gradNode != nil { stack.append((input, false)) }
        }
        return order
    }
}
