import NN
import TensorCore

/// The attention fusion block (keys `fusion.*`): both modalities are projected to a common
/// width F; the pooled vision vector attends to the audio frames and the pooled audio vector to
/// the video frames, each with a residual connection and a LayerNorm:
/// `v' = LN_v(v̄ + MHA(v̄, A, A))`, `a' = LN_a(ā + MHA(ā, V, V))` → `[v' ; a']` `[B, 2F]`.
final class FusionCrossAttention: Module {
    let visionProjection: Linear, audioProjection: Linear
    let visionToAudio: MultiheadAttention, audioToVision: MultiheadAttention
    let visionNorm: LayerNorm, audioNorm: LayerNorm

    init(visionWidth: Int, audioWidth: Int, width: Int, heads: Int) {
        visionProjection = Linear(visionWidth, width)
        audioProjection = Linear(audioWidth, width)
        visionToAudio = MultiheadAttention(embedDim: width, heads: heads)
        audioToVision = MultiheadAttention(embedDim: width, heads: heads)
        visionNorm = LayerNorm(width)
        audioNorm = LayerNorm(width)
        super.init()
        register([
            "vision_proj": visionProjection, "audio_proj": audioProjection, "vision_to_audio": visionToAudio,
            "audio_to_vision": audioToVision, "vision_norm": visionNorm, "audio_norm": audioNorm,
        ])
    }

    /// - Parameters:
    ///   - frames: per-frame vision embeddings `[B, T, Dv]`.
    ///   - audio: audio frames `[B, T', Da]` and their valid-frame mask.
    /// - Returns: `[B, 2F]`.
    func callAsFunction(frames: Tensor, audio: AudioFrames) throws -> Tensor {
        let v = try visionProjection(frames)  // [B, T, F]
        let a = try AudioFrames(states: audioProjection(audio.states), mask: audio.mask)  // [B, T', F]
        let vPooled = try v.mean(axes: [1], keepingAxes: true)  // [B, 1, F]
        let aPooled = try a.meanPooled().unsqueezed(at: 1)  // [B, 1, F]
        let audioMask = try additiveMask(from: a.keepMask())  // [B, 1, 1, T']
        let vFused = try visionNorm(
            vPooled + visionToAudio(query: vPooled, key: a.states, value: a.states, mask: audioMask))
        let aFused = try audioNorm(aPooled + audioToVision(query: aPooled, key: v, value: v))
        return try Tensor.cat([vFused, aFused], axis: 2).squeezed(at: 1)  // [B, 2F]
    }
}
