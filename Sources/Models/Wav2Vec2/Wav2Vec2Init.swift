import NN
import TensorCore

/// Hugging Face's initialisation for Wav2Vec2 trained from scratch (`Wav2Vec2PreTrainedModel.
/// _init_weights`), applied as each module is built. Matching distributions, not PyTorch's
/// random stream: from-scratch models are statistically, not bitwise, alike.
enum Wav2Vec2Init {
    /// Transformer and head Linears: weight N(0, initializer_range²), bias 0.
    static func linear(_ inFeatures: Int, _ outFeatures: Int, std: Double, generator: RandomGenerator) -> Linear {
        let layer = Linear(inFeatures, outFeatures, generator: generator)
        assign(layer.weight, Initializer.normal(layer.weight.shape, std: std, generator: generator))
        if let b = layer.bias { assign(b, Tensor.zeros(b.shape)) }
        return layer
    }

    /// Feature-encoder convolutions: kaiming_normal (fan_in, gain √2) weights; the bias keeps
    /// PyTorch's U(±1/√fan_in), which is what `_init_weights` draws again.
    static func kaimingNormal(_ conv: Conv1d, generator: RandomGenerator) {
        let fanIn = conv.weight.shape[1] * conv.weight.shape[2]
        assign(
            conv.weight,
            Initializer.normal(conv.weight.shape, std: (2 / Double(fanIn)).squareRoot(), generator: generator))
    }

    /// Overwrites a freshly created parameter without recording the copy.
    static func assign(_ parameter: Tensor, _ value: Tensor) {
        noGrad { try! parameter.assign(value) }  // same shape by construction
    }
}
