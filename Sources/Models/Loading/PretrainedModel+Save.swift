import FoundationEssentials
import NN
import TensorCore

extension PretrainedModel {
    /// Writes a Hugging Face model folder: `config.json` (the configuration plus `model_type`
    /// and `architectures`) and `model.safetensors` (float32, the checkpoint key names), each
    /// written to a temporary file and renamed, so a crash never leaves a half-written file.
    /// `transformers`' `from_pretrained` loads the folders of its architectures with no missing
    /// or unexpected keys.
    public func save(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelError.checkpoint("\(directory): cannot create the folder (\(error))")
        }
        var config = configJSON
        config["model_type"] = .string(Self.modelType)
        config["architectures"] = .array([.string(architecture)])
        config["dtype"] = .string("float32")
        let bytes = Array(ConfigWriter.text(config).utf8)
        let weights = stateDict().mapValues { $0.detached() }
        try SafeTensors.save(weights, metadata: ["format": "pt"], to: directory + "/model.safetensors")
        try AtomicFile.write(bytes, to: directory + "/config.json")
    }
}
