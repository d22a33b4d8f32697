import FoundationEssentials
import NN
import TensorCore

// MARK: - Reading and writing a model folder's weights

extension PretrainedModel {
    /// Loads the weights of a Hugging Face model folder into this model.
    ///
    /// The folder's `model.safetensors`, sharded safetensors, `pytorch_model.bin` (read without
    /// running pickle code) or single `.pt` file is read by ``ModelWeights/load(directory:)``;
    /// old names are renamed (``ModelWeights/currentName(of:)``: `LayerNorm.gamma/beta`, weight
    /// norm), then mapped by the model's ``PretrainedModel/parameterName(forCheckpointKey:)``
    /// (prefixes, ignored heads and buffers); F16/BF16 tensors are upcast to the parameters'
    /// float32.
    /// - Parameter strict: when true, a parameter the checkpoint lacks or a tensor the model has
    ///   no place for is an error; when false both are only reported.
    /// - Returns: the missing parameters (by model name) and unexpected tensors (by checkpoint key).
    /// - Throws: ``ModelError/checkpoint(_:)`` naming the file and key: unreadable or truncated
    ///   files, a tensor of the wrong shape or type, and (when strict) missing or unexpected keys.
    @discardableResult
    public func loadCheckpoint(directory: String, strict: Bool = true) throws -> LoadReport {
        let weights: ModelWeights
        do { weights = try ModelWeights.load(directory: directory) } catch let error as CheckpointError {
            throw ModelError.checkpoint(error.description)
        }
        return try loadCheckpoint(weights, strict: strict)
    }

    /// Loads checkpoint tensors already in memory (see ``loadCheckpoint(directory:strict:)``);
    /// `weights.sources` names each tensor's file in errors.
    @discardableResult
    public func loadCheckpoint(_ weights: ModelWeights, strict: Bool = true) throws -> LoadReport {
        let weights = try Self.renamingLegacyNames(weights)
        let own = Dictionary(uniqueKeysWithValues: namedParameters() + namedBuffers())
        var mapped: [String: Tensor] = [:], origin: [String: String] = [:], unexpected: [String] = []
        func file(_ key: String) -> String { weights.sources[key] ?? "checkpoint" }
        for key in weights.tensors.keys.sorted() {
            let tensor = weights.tensors[key]!
            guard let name = parameterName(forCheckpointKey: key), own[name] != nil else {
                if parameterName(forCheckpointKey: key) != nil { unexpected.append(key) }
                continue
            }
            if let earlier = origin[name] {
                throw ModelError.checkpoint(
                    "\(file(key)): tensors '\(earlier)' and '\(key)' both load into parameter '\(name)'")
            }
            let target = own[name]!
            guard tensor.shape == target.shape else {
                throw ModelError.checkpoint(
                    "\(file(key)): tensor '\(key)' has shape \(tensor.shape), but \(typeName) expects \(target.shape) for '\(name)'"
                )
            }
            guard tensor.dtype.isFloatingPoint else {
                throw ModelError.checkpoint(
                    "\(file(key)): tensor '\(key)' has dtype \(tensor.dtype); parameter '\(name)' needs floating point")
            }
            mapped[name] = tensor
            origin[name] = key
        }
        let missing = (namedParameters() + namedBuffers()).map(\.name).filter { mapped[$0] == nil }
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing tensors for \(listed(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected tensors \(listed(unexpected))") }
            let files = weights.files.joined(separator: ", ")
            throw ModelError.checkpoint(
                "\(files): does not match \(typeName): \(parts.joined(separator: "; ")) (load with strict=false to accept)"
            )
        }
        var report = try loadStateDict(mapped, strict: false, source: weights.files.joined(separator: ", "))
        report.unexpected = unexpected
        return report
    }

    /// The weights under their current names (``ModelWeights/currentName(of:)``).
    private static func renamingLegacyNames(_ weights: ModelWeights) throws -> ModelWeights {
        do { return try weights.normalizingLegacyNames() } catch let error as CheckpointError {
            throw ModelError.checkpoint(error.description)
        }
    }
}

/// "'a', 'b', 'c' and 4 more".
private func listed(_ names: [String]) -> String {
    let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
}

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
