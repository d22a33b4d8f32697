import NN
import TensorCore

/// What ``Wav2Vec2Model`` computes for a batch of `B` waveforms of `T` samples, encoded into
/// `T'` frames (``Wav2Vec2Config/frameCount(forSamples:)``).
public struct Wav2Vec2Output {
    /// The encoder output `[B, T', D]`.
    public var lastHiddenState: Tensor
    /// The LayerNormed convolutional features before the projection `[B, T', conv_dim[-1]]`.
    public var extractFeatures: Tensor
    /// Input of the first layer and each layer's output, `num_hidden_layers + 1` tensors
    /// `[B, T', D]`; empty unless asked for.
    public var hiddenStates: [Tensor]
    /// Bool `[B, T']`, true for frames computed from real samples; nil when no attention mask
    /// was given (every frame counts).
    public var frameMask: Tensor?
    /// Valid frames per batch item (the count of true entries of ``frameMask``, or `T'`).
    public var frameLengths: [Int]

    /// The mean of `states` `[B, T', F]` (default ``lastHiddenState``) over each item's valid
    /// frames → `[B, F]`: `transformers`' pooling for sequence classification, and the audio
    /// embedding to use in CLIP-style towers and fusion heads.
    public func meanPooled(_ states: Tensor? = nil) throws -> Tensor {
        let x = states ?? lastHiddenState
        guard x.rank == 3, x.shape[0] == frameLengths.count else {
            throw ModelError.input(
                "Wav2Vec2 mean pooling: expected [\(frameLengths.count), frames, features], got \(x.shape)")
        }
        guard let frameMask else { return try x.mean(axes: [1]) }
        let kept = try Tensor.where(frameMask.unsqueezed(at: 2), x, Tensor.zeros([], dtype: x.dtype))
        let counts = try Tensor(shape: [frameLengths.count, 1], scalars: frameLengths.map(Double.init)).converted(
            to: x.dtype)
        return try kept.sum(axes: [1]) / counts
    }

    /// Adds ``hiddenStates`` to a model's outputs as `hidden_states.0` … (none when not asked for).
    func writeHiddenStates(into outputs: inout [String: Tensor]) {
        for (k, h) in hiddenStates.enumerated() { outputs["hidden_states.\(k)"] = h }
    }
}
