import NN
import TensorCore

/// What a model call receives: named tensors with Hugging Face's input names (`input_ids`,
/// `attention_mask`, `token_type_ids`, `pixel_values`, `input_values`, `labels`, …) and flags.
public struct ModelInput {
    /// The inputs by name.
    public var tensors: [String: Tensor]
    /// CLIP's `return_loss`: compute the contrastive loss.
    public var returnLoss: Bool
    /// `output_hidden_states`: also return every layer's input and the last layer's output as
    /// `hidden_states.0` (the embeddings) … `hidden_states.<num_hidden_layers>`.
    public var outputHiddenStates: Bool

    /// Named inputs and the two flags.
    public init(_ tensors: [String: Tensor], returnLoss: Bool = false, outputHiddenStates: Bool = false) {
        self.tensors = tensors
        self.returnLoss = returnLoss
        self.outputHiddenStates = outputHiddenStates
    }

    /// The tensor `name`, or an error naming the model and the missing input.
    public func require(_ name: String, for model: String) throws -> Tensor {
        guard let t = tensors[name] else {
            let given = tensors.isEmpty ? "no tensors" : tensors.keys.sorted().joined(separator: ", ")
            throw ModelError.input("\(model): missing input '\(name)' (given: \(given))")
        }
        return t
    }

    /// The input `name`, if given.
    public subscript(_ name: String) -> Tensor? { tensors[name] }

    /// What a named input holds, for the checks made before a call (the Lua `nn` library's).
    public enum Kind: Sendable {
        /// int64 ids: token, type and position ids, indices, as Hugging Face's tokenizers make them.
        case ids
        /// Floating point: pixels, samples, region features.
        case values
        /// Any dtype: 0/1 masks (integers, floats, booleans) and labels (int64 ids or float targets).
        case any
    }
}

/// A model that reads and writes Hugging Face checkpoint folders.
///
/// Conforming classes register their parameters under the on-disk key names of the checkpoints
/// they load (MODELS.md), so a state dict read from `model.safetensors` loads after the
/// architecture's prefix and legacy-name rules (``parameterName(forCheckpointKey:)``) are applied, and
/// ``Module/stateDict()`` is what `save` writes.
public protocol PretrainedModel: Module {
    /// `config.json`'s `model_type` (e.g. `"bert"`, `"vit"`, `"clip"`, `"wav2vec2"`).
    static var modelType: String { get }
    /// The `architectures` entry written to `config.json` (e.g. `"BertForSequenceClassification"`).
    var architecture: String { get }
    /// The configuration as `config.json` holds it (Hugging Face field names), to save.
    var configJSON: [String: JSONValue] { get }
    /// The classes of the model's classification head (`id2label`; their count is `num_labels`),
    /// or nil for a model without one (a base encoder, CLIP, a CTC head). Labels given to the
    /// model are class ids below this count.
    var classLabels: ClassLabels? { get }

    /// Runs the model. Outputs use Hugging Face's names (`last_hidden_state`, `pooler_output`,
    /// `logits`, `loss`, `text_embeds`, …); `loss` is present when labels (or `returnLoss`) were
    /// given.
    func forward(_ input: ModelInput) throws -> [String: Tensor]

    /// Maps a checkpoint key to this model's parameter name, or nil for keys the model ignores
    /// (task heads it lacks, non-persistent buffers). Applies prefix and legacy-name rules.
    func parameterName(forCheckpointKey key: String) -> String?
}

extension PretrainedModel {
    /// No classification head.
    public var classLabels: ClassLabels? { nil }
}

/// Errors from building, loading, saving and running models. Each message names the file and
/// the field, tensor or input at fault, so it can be shown to a user unchanged.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A `config.json` (or a config table) is missing a required field, has a field of the
    /// wrong type or value, or names a field no model reads.
    case config(String)
    /// A checkpoint lacks a tensor, has one of the wrong shape, or cannot be read.
    case checkpoint(String)
    /// A model call received a missing, mis-shaped or mis-typed input.
    case input(String)

    public var description: String {
        switch self {
        case .config(let m), .checkpoint(let m), .input(let m): return m
        }
    }
}

/// A Hugging Face architecture built from its configuration type: what `nn.ViT(cfg)`,
/// `nn.load(dir)` and `m:save(dir)` need beyond ``PretrainedModel``.
public protocol ConfiguredModel: PretrainedModel {
    associatedtype Config: ModelConfig
    /// The configuration the model was built from.
    var config: Config { get }
    /// A model built from `config`, with Hugging Face's initial weights or (when a checkpoint is
    /// about to overwrite them) without.
    /// - Throws: ``ModelError/config(_:)`` when the configuration cannot be built.
    init(config: Config, initialization: WeightInitialization) throws
}

/// Whether a model built from a configuration draws Hugging Face's initial weights.
public enum WeightInitialization: Sendable {
    /// Hugging Face's `_init_weights` scheme (N(0, initializer_range²) weights, zero biases,
    /// unit LayerNorms, and each architecture's special cases), for training from scratch.
    case huggingFace
    /// Only the layers' own defaults: every weight is about to be loaded from a checkpoint, and
    /// drawing Hugging Face's would cost a second or more for a base-sized model.
    case fromCheckpoint
}

extension ConfiguredModel {
    /// A model with Hugging Face's from-scratch initialisation.
    public init(config: Config) throws { try self.init(config: config, initialization: .huggingFace) }

    public var configJSON: [String: JSONValue] { config.json }
}
