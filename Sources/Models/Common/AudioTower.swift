import NN
import TensorCore

/// An audio encoder that Ember's multimodal models use as their voice tower: CLIP's third
/// tower, UNITER's audio tokens and the Fusion classifier's audio branch. Wav2Vec2Model is the
/// one Ember ships; any ``PretrainedModel`` that encodes waveforms into frames can serve.
///
/// The tower is saved inside its host: its `config.json` object (with `model_type`) under the
/// host's `audio_config`/`audio` field, its weights under `audio_model.*`/`audio.*`; a host's
/// configuration rebuilds a Wav2Vec2 tower from that object.
public protocol AudioTower: PretrainedModel {
    /// The width D of each frame vector.
    var frameWidth: Int { get }
    /// Encodes `inputValues [B, N]` (16 kHz samples, right-padded) into frames.
    /// - Parameter attentionMask: `[B, N]`, 1 for real samples; nil when every sample is real.
    func encodeAudio(_ inputValues: Tensor, attentionMask: Tensor?) throws -> AudioFrames
}

/// Audio frames from an ``AudioTower``.
public struct AudioFrames {
    /// `[B, T, D]`.
    public var states: Tensor
    /// Bool `[B, T]`, true for frames computed from real samples; nil when all are.
    public var mask: Tensor?

    /// Frames `[B, T, D]` and their bool valid-frame mask `[B, T]` (nil: all valid).
    public init(states: Tensor, mask: Tensor?) {
        self.states = states
        self.mask = mask
    }

    /// The mean over each item's valid frames → `[B, D]` (padding frames excluded).
    public func meanPooled() throws -> Tensor {
        guard let mask else { return try states.mean(axes: [1]) }
        let weights = try mask.converted(to: states.dtype).unsqueezed(at: 2)  // [B, T, 1]
        return try (states * weights).sum(axes: [1]) / weights.sum(axes: [1])
    }

    /// The valid-frame mask as 0/1 floats `[B, T]` (all ones without a mask).
    public func keepMask() -> Tensor {
        mask?.converted(to: .float32) ?? Tensor.ones(Array(states.shape.prefix(2)))
    }
}

extension AudioTower {
    /// The tower's `config.json` object, with its `model_type`, for the host's config.
    var towerConfigJSON: [String: JSONValue] {
        var json = configJSON
        json["model_type"] = .string(Self.modelType)
        return json
    }
}

/// A host model's `config.json` fields with its tower's own under `field` (`audio_config`,
/// `audio`): what the tower is, whichever configuration the host was built from.
func hostConfigJSON(_ json: [String: JSONValue], tower: (any AudioTower)?, field: String) -> [String: JSONValue] {
    var json = json
    if let tower { json[field] = .object(tower.towerConfigJSON) }
    return json
}
