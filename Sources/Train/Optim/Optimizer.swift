import TensorCore

/// An optimizer that updates parameter tensors in place from their gradients, as
/// `torch.optim.Optimizer` does.
///
/// Parameters are organised in groups, each with its own options (learning rate, weight decay…).
/// ``step()`` updates every parameter that has a gradient; parameters whose `grad` is nil or that
/// do not require grad (frozen ones) are skipped and their state is left untouched. Updates write
/// into the parameters' own storage under `noGrad`, so modules that hold the tensors see them.
///
/// The optimizer's state (momentum buffers, moment estimates, step counts and the groups'
/// options) can be exported with ``state()`` and put back with ``restore(_:)``, so a resumed run
/// continues exactly.
public protocol Optimizer: AnyObject {
    /// The name written into the state (`"SGD"`, `"Adam"`, `"AdamW"`).
    var name: String { get }
    /// Every parameter, group after group. A parameter's position here is its index in the state,
    /// as in PyTorch's `state_dict()`.
    var parameters: [Tensor] { get }
    /// The learning rate of each group. Schedules set these.
    var learningRates: [Double] { get set }
    /// The learning rate the optimizer was built with (PyTorch's `defaults["lr"]`).
    var defaultLearningRate: Double { get }
    /// Updates every parameter that has a gradient.
    /// - Throws: when a gradient does not match its parameter's shape, or an option is invalid.
    func step() throws
    /// Snapshot of the optimizer state (copies of the buffers).
    func state() -> OptimizerState
    /// Puts back a state made by ``state()`` of an optimizer of the same kind over parameters of
    /// the same shapes.
    /// - Throws: naming what differs (kind, group count, parameter count or shapes, buffers).
    func restore(_ state: OptimizerState) throws
}

extension Optimizer {
    /// Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`, the default), so
    /// the next backward pass starts a fresh accumulation.
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }
}
