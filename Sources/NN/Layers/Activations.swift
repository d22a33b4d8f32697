import TensorCore

/// The activation functions Hugging Face configs name (`hidden_act`).
public enum Activation: String, NamedChoice {
    case gelu, relu, tanh, sigmoid
    case quickGelu = "quick_gelu"
    case geluNew = "gelu_new"
    case geluPytorchTanh = "gelu_pytorch_tanh"

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

/// A setting that configuration files name with a string (an activation, a CTC reduction, a
/// normalisation): it reads and writes as its name, and reading an unknown name is an error that
/// lists the accepted ones.
public protocol NamedChoice: RawRepresentable<String>, CaseIterable, Codable, Sendable {}

extension NamedChoice {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Self(rawValue: name) else {
            let names = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected one of \(names), got \"\(name)\"")
        }
        self = value
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
