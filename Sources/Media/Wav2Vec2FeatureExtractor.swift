import TensorCore

/// Hugging Face's `Wav2Vec2FeatureExtractor` (MODELS.md §7.2): per-utterance zero-mean,
/// unit-variance normalization, right padding and the attention mask, for mono 16 kHz audio.
///
/// ```swift
/// let fe = Wav2Vec2FeatureExtractor(returnAttentionMask: true)
/// let batch = try fe.process([voiceA, voiceB])   // inputValues [2, N], attentionMask [2, N]
/// ```
public struct Wav2Vec2FeatureExtractor: Sendable, Equatable {
    /// How a batch of utterances of different lengths becomes one rectangle.
    public enum Padding: Sendable, Equatable {
        /// No padding; every utterance must already have the same length.
        case none
        /// Pad to the longest utterance.
        case longest
        /// Pad to `n` samples; longer utterances are cut to `n` (`truncation=True`).
        case maxLength(Int)
    }

    /// A processed batch.
    public struct Batch: Sendable {
        /// float32 `[B, N]`.
        public var inputValues: Tensor
        /// int64 `[B, N]`, 1 for real samples and 0 for padding; nil unless requested.
        public var attentionMask: Tensor?
    }

    /// The rate the model was trained at; other rates are an error, as in transformers.
    public var samplingRate = 16_000
    /// The value padded samples get (`padding_value`).
    public var paddingValue: Float = 0
    /// Whether to normalize each utterance (`do_normalize`).
    public var doNormalize = true
    /// Whether to return (and normalize with) the attention mask: false for `wav2vec2-base-960h`,
    /// true for the `lv60` configs.
    public var returnAttentionMask: Bool

    /// A feature extractor with `preprocessor_config.json`'s fields.
    public init(
        returnAttentionMask: Bool = false, doNormalize: Bool = true,
        paddingValue: Float = 0, samplingRate: Int = 16_000
    ) {
        self.returnAttentionMask = returnAttentionMask
        self.doNormalize = doNormalize
        self.paddingValue = paddingValue
        self.samplingRate = samplingRate
    }

    /// Pads and normalizes a batch of mono utterances.
    ///
    /// Statistics: with padding *and* a mask, over each utterance's real samples only, and the
    /// padded tail is then reset to ``paddingValue``; otherwise over the whole padded row,
    /// padding included (transformers' rule). `x' = (x − mean) / sqrt(var + 1e-7)` with the
    /// population variance.
    /// - Parameter rate: the utterances' sample rate; must equal ``samplingRate``.
    public func process(
        _ utterances: [[Float]], rate: Int = 16_000,
        padding: Padding = .longest
    ) throws -> Batch {
        guard rate == samplingRate else {
            throw MediaError.invalidArgument(
                "Wav2Vec2FeatureExtractor expects \(samplingRate) Hz audio, "
                    + "got \(rate) Hz; resample first (data.audio's rate=)")
        }
        guard !utterances.isEmpty else { throw MediaError.invalidArgument("no utterances") }
        let lengths = utterances.map(\.count)
        let width: Int
        switch padding {
        case .none:
            guard Set(lengths).count == 1 else {
                throw MediaError.invalidArgument("utterances of lengths \(lengths) need padding")
            }
            width = lengths[0]
        case .longest: width = lengths.max()!
        case .maxLength(let n):
            guard n > 0 else { throw MediaError.invalidArgument("max length must be positive, got \(n)") }
            width = n
        }
        let useMask = padding != .none && returnAttentionMask
        var values = [Float](repeating: paddingValue, count: utterances.count * width)
        var mask = [Int64](repeating: 0, count: utterances.count * width)
        for (b, utterance) in utterances.enumerated() {
            let length = min(utterance.count, width)
            var row = Array(utterance.prefix(length)) + Array(repeating: paddingValue, count: width - length)
            if doNormalize {
                let counted = useMask ? length : width
                row = Self.normalized(row, statisticsOver: counted)
                if useMask { for i in length..<width { row[i] = paddingValue } }
            }
            values.replaceSubrange(b * width..<(b + 1) * width, with: row)
            for i in 0..<length { mask[b * width + i] = 1 }
        }
        let shape = [utterances.count, width]
        return Batch(
            inputValues: try Tensor(shape: shape, scalars: values),
            attentionMask: returnAttentionMask ? try Tensor(shape: shape, scalars: mask) : nil)
    }

    /// `(x − mean) / sqrt(var + 1e-7)` with statistics over the first `count` samples.
    static func normalized(_ x: [Float], statisticsOver count: Int) -> [Float] {
        guard count > 0 else { return x }
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i]) }
        let mean = sum / Double(count)
        var squares = 0.0
        for i in 0..<count { squares += (Double(x[i]) - mean) * (Double(x[i]) - mean) }
        let scale = 1 / (squares / Double(count) + 1e-7).squareRoot()
        return x.map { Float((Double($0) - mean) * scale) }
    }
}
