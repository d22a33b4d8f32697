import TensorCore

/// Samples collated into one batch: the Lua table
/// `{pixel_values=, input_values=, attention_mask=, labels=, text=, id=}`, with Hugging Face's
/// names (a sample's `label` becomes the batch's `labels`, as HF collators do).
public struct Batch: Sendable {
    /// float32 `[B, T, 3, H, W]`, the samples' frames stacked.
    public var pixelValues: Tensor?
    /// float32 `[B, N]`: each voice right-padded with zeros to the longest, `N`.
    public var inputValues: Tensor?
    /// int64 `[B, N]`: 1 for real samples, 0 for padding.
    public var attentionMask: Tensor?
    /// int64 `[B]`: class ids.
    public var labels: Tensor?
    /// The samples' texts ("" for a sample without one); nil when no sample has text.
    public var text: [String]?
    /// The samples' ids.
    public var ids: [String]
    /// Each extra tensor of the samples, stacked along a new first axis.
    public var extras: [String: Tensor]

    /// The number of samples.
    public var count: Int { ids.count }

    /// The default collate: stacks frames, pads voices, gathers labels, texts and ids.
    /// - Throws: ``DatasetError/collate(_:)`` when the samples disagree: frames of different
    ///   shapes (give `frames=` and a size so every clip comes out alike), a field on some
    ///   samples only.
    public init(collating samples: [Sample]) throws {
        guard let first = samples.first else { throw DatasetError.collate("cannot collate an empty batch") }
        ids = samples.map(\.id)
        pixelValues = try Self.stacked(samples.map(\.pixelValues), "pixel_values", ids)
        labels = try Self.present(samples.map(\.label), "label", ids).map {
            try Tensor(shape: [$0.count], scalars: $0.map { Int64($0) })
        }
        text = samples.allSatisfy({ $0.text == nil }) ? nil : samples.map { $0.text ?? "" }
        if let voices = try Self.present(samples.map(\.inputValues), "input_values", ids) {
            (inputValues, attentionMask) = try Self.padded(voices, ids)
        }
        extras = [:]
        for name in first.extras.keys.sorted() {
            extras[name] = try Self.stacked(samples.map { $0.extras[name] }, name, ids)
        }
        if let odd = samples.first(where: { Set($0.extras.keys) != Set(first.extras.keys) }) {
            throw DatasetError.collate(
                "sample '\(odd.id)' has the extra fields \(odd.extras.keys.sorted()), "
                    + "sample '\(first.id)' has \(first.extras.keys.sorted())")
        }
    }

    /// All values, or nil when none is present; an error when only some are.
    private static func present<T>(_ values: [T?], _ field: String, _ ids: [String]) throws -> [T]? {
        let given = values.compactMap { $0 }
        if given.isEmpty { return nil }
        guard given.count == values.count else {
            let missing = ids[values.firstIndex { $0 == nil }!]
            let having = ids[values.firstIndex { $0 != nil }!]
            throw DatasetError.collate("sample '\(missing)' has no \(field) but sample '\(having)' has")
        }
        return given
    }

    private static func stacked(_ tensors: [Tensor?], _ field: String, _ ids: [String]) throws -> Tensor? {
        guard let tensors = try present(tensors, field, ids) else { return nil }
        if let odd = tensors.firstIndex(where: { $0.shape != tensors[0].shape }) {
            throw DatasetError.collate(
                "\(field) of sample '\(ids[odd])' has shape \(tensors[odd].shape) but "
                    + "sample '\(ids[0])' has \(tensors[0].shape); clips stack only when alike "
                    + "(give frames= and size= with crop=true, or resize=)")
        }
        return try Tensor.stack(tensors, axis: 0)
    }

    /// Voices `[N_i]` right-padded with zeros to `[B, max N_i]`, and the mask of real samples.
    private static func padded(_ voices: [Tensor], _ ids: [String]) throws -> (Tensor, Tensor) {
        if let odd = voices.firstIndex(where: { $0.rank != 1 || $0.dtype != .float32 }) {
            throw DatasetError.collate(
                "input_values of sample '\(ids[odd])' must be float32 [N], "
                    + "got \(voices[odd].dtype) \(voices[odd].shape)")
        }
        let width = voices.map(\.count).max()!
        let values = Tensor.zeros([voices.count, width])
        let mask = Tensor.zeros([voices.count, width], dtype: .int64)
        let out = values.pointer(as: Float.self), ones = mask.pointer(as: Int64.self)
        for (b, voice) in voices.enumerated() {
            try voice.contiguous().withUnsafeBufferPointer(as: Float.self) { samples in
                if let base = samples.baseAddress { (out + b * width).update(from: base, count: samples.count) }
            }
            (ones + b * width).update(repeating: 1, count: voice.count)
        }
        return (values, mask)
    }
}
