import FoundationEssentials
import Models
import NN
import TensorCore

/// The model half of a training checkpoint: `model.safetensors` with the state dict under the
/// model's parameter names — for a Hugging Face model, with its `config.json` beside it, so the
/// checkpoint folder is also a model folder — and the check that a checkpoint fits a model.
enum ModelFiles {
    static let weights = "model.safetensors"

    /// Writes the model's weights (and config) into `folder`: a ``PretrainedModel`` through its
    /// own `save` (the Hugging Face layout `from_pretrained` reads), any other module as its
    /// state dict.
    static func write(_ model: Module, to folder: String) throws {
        if let pretrained = model as? any PretrainedModel {
            try pretrained.save(directory: folder)
            return
        }
        try SafeTensors.save(
            model.stateDict().mapValues { $0.detached() }, metadata: ["format": "pt"],
            to: folder + "/" + weights)
    }

    /// Checks that the weights in `folder` have exactly the model's names and shapes.
    /// - Throws: ``TrainingError/checkpoint(_:)`` listing what is missing, unexpected or
    ///   differently shaped, naming the model the checkpoint was saved from.
    static func check(_ model: Module, folder: String, savedType: String) throws -> SafeTensorsFile {
        let file = try SafeTensorsFile(path: folder + "/" + weights)
        let own = model.stateDict().mapValues(\.shape)
        let missing = own.keys.filter { file.entries[$0] == nil }.sorted()
        let unexpected = file.entries.keys.filter { own[$0] == nil }.sorted()
        let reshaped = own.keys.sorted().compactMap { name -> String? in
            guard let entry = file.entries[name], entry.shape != own[name]! else { return nil }
            return "\(name) is \(entry.shape) there, \(own[name]!) here"
        }
        guard missing.isEmpty && unexpected.isEmpty && reshaped.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(listed(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(listed(unexpected))") }
            if !reshaped.isEmpty { parts.append("shapes differ: \(listed(reshaped))") }
            throw TrainingError.checkpoint(
                "resume: \(folder) was saved from a \(savedType), which does not fit this trainer's \(model.typeName): "
                    + parts.joined(separator: "; "))
        }
        return file
    }

    /// The first few items and how many more.
    static func listed(_ items: [String]) -> String {
        let shown = items.prefix(4).joined(separator: ", ")
        return items.count > 4 ? "\(shown) and \(items.count - 4) more" : shown
    }
}
