import TensorCore

/// One decoded, preprocessed clip: what `ds[i]` returns in Lua,
/// `{pixel_values=, input_values=, label=, text=, id=}`.
public struct Sample: Sendable {
    /// float32 `[T, 3, H, W]`: the clip's frames, normalized as the options ask; nil for an
    /// audio-only row.
    public var pixelValues: Tensor?
    /// float32 `[N]`: the voice, mono at the options' rate, Wav2Vec2-normalized by default; nil
    /// when the row has no audio file and the video no audio track.
    public var inputValues: Tensor?
    /// The class id (0-based position in the dataset's classes), or nil for unlabelled data.
    public var label: Int?
    /// The row's text, if any.
    public var text: String?
    /// The sample's name (see ``Manifest``).
    public var id: String
    /// Further tensors added by a transform (``MappedDataset``); the default collate stacks each.
    public var extras: [String: Tensor]

    /// Creates a sample.
    public init(
        pixelValues: Tensor? = nil, inputValues: Tensor? = nil, label: Int? = nil,
        text: String? = nil, id: String, extras: [String: Tensor] = [:]
    ) {
        self.pixelValues = pixelValues
        self.inputValues = inputValues
        self.label = label
        self.text = text
        self.id = id
        self.extras = extras
    }
}
