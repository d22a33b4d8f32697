import NN
import TensorCore

/// How Wav2Vec2's layers get their first weights: drawn as each module is built, from one
/// generator, by Hugging Face's scheme (`Wav2Vec2PreTrainedModel._init_weights`) for a model trained
/// from scratch, or left at the layers' own defaults for one about to load a checkpoint
/// (``WeightInitialization``). Matching distributions, not PyTorch's random stream: from-scratch
/// models are statistically, not bitwise, alike.
struct Wav2Vec2Init {
    let generator: RandomGenerator
    /// `initializer_range`.
    let std: Double
    /// Hugging Face's scheme rather than the layers' defaults.
    let fromScratch: Bool

    init(_ config: Wav2Vec2Config, _ initialization: WeightInitialization, generator: RandomGenerator) {
        self.generator = generator
        std = config.initializerRange
        fromScratch = initialization == .huggingFace
    }

    /// Transformer and head Linears: weight N(0, initializer_range²), bias 0.
    func linear(_ inFeatures: Int, _ outFeatures: Int) -> Linear {
        let layer = Linear(inFeatures, outFeatures, generator: generator)
        if fromScratch {
            setNormal(layer.weight, std: std, generator: generator)
            if let b = layer.bias { setZero(b) }
        }
        return layer
    }

    /// Feature-encoder convolutions: kaiming_normal (fan_in, gain √2) weights; the bias keeps
    /// PyTorch's U(±1/√fan_in), which is what `_init_weights` draws again.
    func convolution(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, bias: Bool) -> Conv1d {
        let conv = Conv1d(inChannels, outChannels, kernelSize: kernel, stride: stride, bias: bias, generator: generator)
        if fromScratch {
            setNormal(conv.weight, std: (2 / Double(inChannels * kernel)).squareRoot(), generator: generator)
        }
        return conv
    }

    /// `shape` filled by `draw` from scratch, zeros when a checkpoint will overwrite it.
    func tensor(_ shape: [Int], _ draw: (RandomGenerator) -> Tensor) -> Tensor {
        fromScratch ? draw(generator) : Tensor.zeros(shape)
    }
}
