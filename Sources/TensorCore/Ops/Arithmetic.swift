/// `+ - * /`, `pow`, `maximum`, `minimum` with broadcasting, and their gradients.
/// Gradients of broadcast operands are summed back to the operand's shape.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try binaryKernel(a, b, .add).recorded("add", [a, b]) { g in
            [
                a.requiresGrad ? try g.summed(toShape: a.shape) : nil,
                b.requiresGrad ? try g.summed(toShape: b.shape) : nil,
            ]
        }
    }

    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try binaryKernel(a, b, .sub).recorded("sub", [a, b]) { g in
            [
                a.requiresGrad ? try g.summed(toShape: a.shape) : nil,
                b.requiresGrad ? try g.negated().summed(toShape: b.shape) : nil,
            ]
        }
    }

    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try binaryKernel(a, b, .mul).recorded("mul", [a, b]) { g in
            [
                a.requiresGrad ? try (g * b).summed(toShape: a.shape) : nil,
                b.requiresGrad ? try (g * a).summed(toShape: b.shape) : nil,
            ]
        }
    }

    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try binaryKernel(a, b, .div).recorded("div", [a, b]) { g in
            [
                a.requiresGrad ? try (g / b).summed(toShape: a.shape) : nil,
                b.requiresGrad ? try (g * a / (b * b)).negated().summed(toShape: b.shape) : nil,
            ]
        }
    }

    /// `a` raised to `b` elementwise.
    public func pow(_ b: Tensor) throws -> Tensor {
        let a = self
        let y = try binaryKernel(a, b, .pow), saved = y.detached()  // not `y`: a cycle (see Pointwise.swift)
        return y.recorded("pow", [a, b]) { g in
            [
                a.requiresGrad ? try (g * b * a.pow(b - 1)).summed(toShape: a.shape) : nil,
                b.requiresGrad ? try (g * saved * a.log()).summed(toShape: b.shape) : nil,
            ]
        }
    }

    /// Elementwise maximum; where both are equal the gradient is split evenly (as PyTorch).
    public func maximum(_ other: Tensor) throws -> Tensor {
        try extremum(other, .maximum, name: "maximum")
    }

    /// Elementwise minimum; where both are equal the gradient is split evenly.
    public func minimum(_ other: Tensor) throws -> Tensor {
        try extremum(other, .minimum, name: "minimum")
    }

    private func extremum(_ other: Tensor, _ kind: BinaryKind, name: String) throws -> Tensor {
        let a = self, b = other
        return try binaryKernel(a, b, kind).recorded(name, [a, b]) { g in
            let wins = try kind == .maximum ? a.gt(b) : a.lt(b)
            let ties = try a.eq(b)
            // Weight 1 where `a` wins, 0.5 on ties, 0 where `b` wins.
            let wa = try wins.converted(to: g.dtype) + ties.converted(to: g.dtype) * 0.5
            return [
                a.requiresGrad ? try (g * wa).summed(toShape: a.shape) : nil,
                b.requiresGrad ? try (g * (1 - wa)).summed(toShape: b.shape) : nil,
            ]
        }
    }

    /// A rank-0 tensor holding `value` in the dtype arithmetic with `self` should use: this
    /// tensor's float type, or int64 for an integral value with an integer tensor.
    func scalarOperand(_ value: Double) -> Tensor {
        let type: DType =
            dtype.isFloatingPoint
            ? dtype.floatComputeType
            : (value.rounded() == value ? .int64 : .float32)
        return Tensor.full([], value, dtype: type)
    }

    public static func + (a: Tensor, b: Double) throws -> Tensor { try a + a.scalarOperand(b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a) + b }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a - a.scalarOperand(b) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a) - b }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a * a.scalarOperand(b) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a) * b }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a / a.scalarOperand(b) }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a) / b }

    /// `self` raised to a number.
    public func pow(_ exponent: Double) throws -> Tensor { try pow(scalarOperand(exponent)) }

    /// −self.
    public static prefix func - (a: Tensor) throws -> Tensor { try a.negated() }
}
