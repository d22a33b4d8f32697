import NN
import TensorCore

/// Wav2Vec2 (Sources/Models/Wav2Vec2) as the rest of Models uses it: a configuration type for
/// the model registry, buildable architectures, and Ember's audio tower.
extension Wav2Vec2Config: ModelConfig {
    /// Every field the configuration reads and writes (its `config.json` form lists them all).
    public static var fieldNames: Set<String> { Set(Wav2Vec2Config().json.keys) }
}

extension Wav2Vec2Model: ConfiguredModel, AudioTower {
    /// Wav2Vec2's initialisation runs either way: its layers draw their weights as they are built.
    public convenience init(config: Wav2Vec2Config, initialization: WeightInitialization) throws {
        self.init(config: config, generator: .shared)
    }

    /// The hidden size D of the encoder's frames.
    public var frameWidth: Int { config.hiddenSize }

    /// The encoder's `last_hidden_state` `[B, T', D]` with its valid-frame mask.
    public func encodeAudio(_ inputValues: Tensor, attentionMask: Tensor?) throws -> AudioFrames {
        let out = try self(inputValues, attentionMask: attentionMask)
        return AudioFrames(states: out.lastHiddenState, mask: out.frameMask)
    }
}

extension Wav2Vec2ForCTC: ConfiguredModel {
    /// The model with Wav2Vec2's own initialisation (see ``Wav2Vec2Model``).
    public convenience init(config: Wav2Vec2Config, initialization: WeightInitialization) throws {
        try self.init(config: config, generator: .shared)
    }
}

extension Wav2Vec2ForSequenceClassification: ConfiguredModel {
    /// The model with Wav2Vec2's own initialisation (see ``Wav2Vec2Model``).
    public convenience init(config: Wav2Vec2Config, initialization: WeightInitialization) throws {
        self.init(config: config, generator: .shared)
    }
}
