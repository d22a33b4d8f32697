import NN
import TensorCore

/// Wav2Vec2 with a linear CTC head over the vocabulary (`Wav2Vec2ForCTC`): speech recognition.
///
/// `logits = lm_head(dropout(last_hidden_state))` → `[B, T', V]`, no softmax. Given `labels`, the
/// CTC loss is computed as `transformers` does: labels are `[B, S]` int64, padded with −100
/// (padding with `pad_token_id` works too); the blank is `pad_token_id`; each item's input
/// length is `frameCount(Σ attention_mask[b])` (all frames without a mask); reduction and
/// zero-infinity come from `ctc_loss_reduction` and `ctc_zero_infinity`.
public final class Wav2Vec2ForCTC: Module, Wav2Vec2HeadModel {
    public static let modelType = "wav2vec2"
    /// The encoder (`wav2vec2.*`).
    public let wav2vec2: Wav2Vec2Model
    /// Dropout before the head (`final_dropout`).
    public let dropout: Dropout
    /// `lm_head`: D → vocab_size.
    public let lmHead: Linear

    /// The encoder and a CTC head, initialised as ``Wav2Vec2Model``.
    /// - Throws: ``ModelError/config(_:)`` when the configuration has no `vocab_size` or fails
    ///   ``Wav2Vec2Config/validate()``.
    public init(
        config: Wav2Vec2Config, initialization: WeightInitialization = .huggingFace, generator: RandomGenerator
    ) throws {
        guard let vocab = config.vocabSize else {
            throw ModelError.config(
                "Wav2Vec2ForCTC: field 'vocab_size': the CTC head needs the vocabulary size, got null")
        }
        wav2vec2 = try Wav2Vec2Model(config: config, initialization: initialization, generator: generator)
        dropout = Dropout(config.finalDropout, generator: generator)
        lmHead = Wav2Vec2Init(config, initialization, generator: generator).linear(config.hiddenSize, vocab)
        super.init()
        register(["wav2vec2": wav2vec2, "dropout": dropout, "lm_head": lmHead])
    }

    /// Runs the model on `inputValues [B, T]`.
    /// - Parameters:
    ///   - attentionMask: `[B, T]`, 1 for real samples.
    ///   - labels: int64 `[B, S]` target ids padded with −100, for the loss.
    ///   - outputHiddenStates: also return the encoder's hidden states.
    /// - Returns: `logits [B, T', V]`, the loss when labels were given, and the encoder output.
    public func callAsFunction(
        _ inputValues: Tensor, attentionMask: Tensor? = nil, labels: Tensor? = nil,
        outputHiddenStates: Bool = false
    ) throws -> (logits: Tensor, loss: Tensor?, encoder: Wav2Vec2Output) {
        let out = try wav2vec2(inputValues, attentionMask: attentionMask, outputHiddenStates: outputHiddenStates)
        let logits = try lmHead(dropout(out.lastHiddenState))
        guard let labels else { return (logits, nil, out) }
        let samples =
            try attentionMask.map {
                try $0.converted(to: .float64).sum(axes: [1]).toArray(of: Double.self).map { Int($0) }
            }
            ?? Array(repeating: inputValues.shape[1], count: inputValues.shape[0])
        let loss = try ctcLoss(
            logits: logits, labels: labels, inputLengths: samples.map(config.frameCount(forSamples:)))
        return (logits, loss, out)
    }

    /// CTC loss of `logits [B, T', V]` against `labels [B, S]` (−100 or blank padding), with
    /// `inputLengths` valid frames per item (`ForCTCLoss` of `transformers`).
    public func ctcLoss(logits: Tensor, labels: Tensor, inputLengths: [Int]) throws -> Tensor {
        let vocab = logits.shape[2], blank = config.padTokenId ?? 0
        guard labels.dtype == .int64, labels.rank == 2, labels.shape[0] == logits.shape[0] else {
            throw ModelError.input(
                "Wav2Vec2ForCTC: labels must be int64 [batch, length] for \(logits.shape[0]) items, got \(labels.dtype) \(labels.shape)"
            )
        }
        let flat = labels.toArray(of: Int64.self), width = labels.shape[1]
        let rows = (0..<labels.shape[0]).map { flat[($0 * width)..<(($0 + 1) * width)] }
        if let bad = rows.joined().first(where: { $0 >= vocab }) {
            throw ModelError.input("Wav2Vec2ForCTC: label \(bad) is not below vocab_size \(vocab)")
        }
        let targets = rows.map { $0.filter { $0 != -100 && $0 != Int64(blank) } }
        let logProbs = try logits.converted(to: .float32).logSoftmax(axis: -1).transposed(0, 1)  // [T', B, V]
        return try Loss.ctc(
            logProbs: logProbs, targets: Tensor(shape: [targets.joined().count], scalars: Array(targets.joined())),
            inputLengths: inputLengths, targetLengths: targets.map(\.count), blank: blank,
            reduction: config.ctcLossReduction, zeroInfinity: config.ctcZeroInfinity)
    }

    /// Greedy CTC decoding: the best id per frame, runs merged, blanks dropped → token ids per
    /// item (over its `frameLengths`, all frames by default). Turn them into text with the
    /// checkpoint's tokenizer (`|` is the word delimiter).
    public func greedyDecode(logits: Tensor, frameLengths: [Int]? = nil) throws -> [[Int]] {
        let (batch, frames) = (logits.shape[0], logits.shape[1])
        let best = try logits.argmax(axis: -1).toArray(of: Int64.self)
        let blank = Int64(config.padTokenId ?? 0)
        return (0..<batch).map { b in
            var ids: [Int] = [], previous: Int64 = -1
            for id in best[(b * frames)..<(b * frames + Swift.min(frameLengths?[b] ?? frames, frames))] {
                if id != previous && id != blank { ids.append(Int(id)) }
                previous = id
            }
            return ids
        }
    }

    // MARK: - PretrainedModel

    public var architecture: String { "Wav2Vec2ForCTC" }
    public var headNames: Set<String> { ["lm_head"] }
}
