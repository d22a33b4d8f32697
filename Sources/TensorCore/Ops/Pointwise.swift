/// Pointwise functions of one tensor with their gradients.
///
/// A backward closure that needs the op's output captures a graph-free view of it (`saved`):
/// capturing the returned tensor itself would form a cycle (tensor → node → closure → tensor)
/// that leaks the output and everything it keeps whenever its backward never runs — an output
/// that does not feed the loss, such as an unused pooler.
extension Tensor {
    /// −x.
    public func negated() throws -> Tensor {
        let x = self
        return unaryKernel(x, .neg).recorded("neg", [x]) { g in [try g.negated()] }
    }

    /// eˣ.
    public func exp() throws -> Tensor {
        let y = unaryKernel(self, .exp), saved = y.detached()
        return y.recorded("exp", [self]) { g in [try g * saved] }
    }

    /// Natural logarithm.
    public func log() throws -> Tensor {
        let x = self
        return unaryKernel(x, .log).recorded("log", [x]) { g in [try g / x] }
    }

    /// √x.
    public func sqrt() throws -> Tensor {
        let y = unaryKernel(self, .sqrt), saved = y.detached()
        return y.recorded("sqrt", [self]) { g in [try g / (saved * 2)] }
    }

    /// 1/√x.
    public func rsqrt() throws -> Tensor {
        let y = unaryKernel(self, .rsqrt), saved = y.detached()
        return y.recorded("rsqrt", [self]) { g in [try g * saved * saved * saved * -0.5] }
    }

    /// |x|; the gradient at 0 is 0, as PyTorch.
    public func abs() throws -> Tensor {
        let x = self
        return unaryKernel(x, .abs).recorded("abs", [x]) { g in [try g * unaryKernel(x, .sign)] }
    }

    /// −1, 0 or 1 by the sign of x (not differentiable: its gradient is 0).
    public func sign() -> Tensor { unaryKernel(self, .sign) }

    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor {
        let y = unaryKernel(self, .tanh), saved = y.detached()
        return y.recorded("tanh", [self]) { g in [try g * (1 - saved * saved)] }
    }

    /// 1 / (1 + e⁻ˣ).
    public func sigmoid() throws -> Tensor {
        let y = unaryKernel(self, .sigmoid), saved = y.detached()
        return y.recorded("sigmoid", [self]) { g in [try g * saved * (1 - saved)] }
    }

    /// max(x, 0).
    public func relu() throws -> Tensor {
        let x = self
        return unaryKernel(x, .relu).recorded("relu", [x]) { g in [try g * unaryKernel(x, .reluDerivative)] }
    }

    /// GELU: the exact erf form `0.5·x·(1 + erf(x/√2))`, or with `approximate: true` the tanh
    /// form (`gelu_new`, `gelu_pytorch_tanh`).
    public func gelu(approximate: Bool = false) throws -> Tensor {
        let x = self
        let (f, df): (UnaryKind, UnaryKind) = approximate ? (.geluTanh, .geluTanhDerivative) : (.gelu, .geluDerivative)
        return unaryKernel(x, f).recorded(approximate ? "gelu_tanh" : "gelu", [x]) { g in
            [try g * unaryKernel(x, df)]
        }
    }

    /// OpenAI CLIP's `x·sigmoid(1.702·x)`.
    public func quickGelu() throws -> Tensor {
        let x = self
        return unaryKernel(x, .quickGelu).recorded("quick_gelu", [x]) { g in
            [try g * unaryKernel(x, .quickGeluDerivative)]
        }
    }
}
