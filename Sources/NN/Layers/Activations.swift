import TensorCore

/// The activation functions Hugging Face configs name (`hidden_act`).
public enum Activation: String, Sendable, CaseIterable {
    case gelu, relu, tanh, sigmoid
    case quickGelu = "quick_gelu"
    case geluNew = "gelu_new"
    case geluPytorchTanh = "gelu_pytorch_tanh"

    /// Parses a config value, naming the accepted ones in the error.
    public init(config name: String) throws {
        guard let a = Activation(rawValue: name) else {
            throw TensorError.invalidArgument(
                "unknown activation '\(name)'; expected one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = a
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        switch self {
        case .gelu: return try x.gelu()
        case .geluNew, .geluPytorchTanh: return try x.gelu(approximate: true)
        case .quickGelu: return try x.quickGelu()
        case .relu: return try x.relu()
        case .tanh: return try x.tanh()
        case .sigmoid: return try x.sigmoid()
        }
    }
}

/// An activation as a layer (`nn.GELU`, `nn.ReLU`, …).
public final class ActivationLayer: Module, Layer {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public override var typeName: String {
        switch activation {
        case .gelu: return "GELU"
        case .relu: return "ReLU"
        case .tanh: return "Tanh"
        case .sigmoid: return "Sigmoid"
        case .quickGelu: return "QuickGELU"
        case .geluNew, .geluPytorchTanh: return "GELU(tanh)"
        }
    }
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try activation(x) }
}

/// Zeroes elements with probability `p` in training mode and rescales the rest (`nn.Dropout`).
public final class Dropout: Module, Layer {
    public let p: Double
    public let generator: RandomGenerator

    public init(_ p: Double = 0.5, generator: RandomGenerator = .shared) {
        self.p = p
        self.generator = generator
    }

    public override var summaryDetail: String { "p=\(p)" }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.dropout(p: p, training: isTraining, generator: generator)
    }
}
