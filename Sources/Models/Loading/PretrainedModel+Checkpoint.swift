import FoundationEssentials
import NN
import TensorCore

extension PretrainedModel {
    /// Loads the weights of a Hugging Face model folder into this model.
    ///
    /// Each checkpoint key is renamed by the legacy rules of MODELS.md §0 (`LayerNorm.gamma/beta`,
    /// both weight-norm spellings) and then by the model's
    /// ``PretrainedModel/parameterName(forCheckpointKey:)`` (prefixes, ignored heads and buffers);
    /// F16/BF16 tensors are upcast to the parameters' float32.
    /// - Parameter strict: when true, a parameter the checkpoint lacks or a tensor the model has
    ///   no place for is an error; when false both are only reported.
    /// - Returns: the missing parameters (by model name) and unexpected tensors (by checkpoint key).
    /// - Throws: ``ModelError/checkpoint(_:)`` naming the file and key: unreadable or truncated
    ///   files, a tensor of the wrong shape or type, and (when strict) missing or unexpected keys.
    @discardableResult
    public func loadCheckpoint(directory: String, strict: Bool = true) throws -> LoadReport {
        let (tensors, source) = try readCheckpoint(directory: directory)
        return try loadCheckpoint(tensors, source: source, strict: strict)
    }

    /// Loads checkpoint tensors already in memory; `source` names them in errors. See
    /// ``loadCheckpoint(directory:strict:)``.
    @discardableResult
    public func loadCheckpoint(_ tensors: [String: Tensor], source: String, strict: Bool = true) throws -> LoadReport {
        let own = Dictionary(uniqueKeysWithValues: namedParameters() + namedBuffers())
        var mapped: [String: Tensor] = [:], origin: [String: String] = [:], unexpected: [String] = []
        for key in tensors.keys.sorted() {
            let tensor = tensors[key]!
            guard let name = resolvedName(forCheckpointKey: key, among: own) else {
                if parameterName(forCheckpointKey: legacyRenamed(key)) != nil { unexpected.append(key) }
                continue
            }
            if let earlier = origin[name] {
                throw ModelError.checkpoint("\(source): tensors '\(earlier)' and '\(key)' both load into parameter '\(name)'")
            }
            let target = own[name]!
            guard tensor.shape == target.shape else {
                throw ModelError.checkpoint("\(source): tensor '\(key)' has shape \(tensor.shape), but \(typeName) expects \(target.shape) for '\(name)'")
            }
            guard tensor.dtype.isFloatingPoint else {
                throw ModelError.checkpoint("\(source): tensor '\(key)' has dtype \(tensor.dtype); parameter '\(name)' needs floating point")
            }
            mapped[name] = tensor
            origin[name] = key
        }
        let missing = (namedParameters() + namedBuffers()).map(\.name).filter { mapped[$0] == nil }
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing tensors for \(listed(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected tensors \(listed(unexpected))") }
            throw ModelError.checkpoint("\(source): does not match \(typeName): \(parts.joined(separator: "; ")) (load with strict=false to accept)")
        }
        var report = try loadStateDict(mapped, strict: false, source: source)
        report.unexpected = unexpected
        return report
    }

    /// The model parameter a checkpoint key loads into, trying both weight-norm spellings;
    /// nil for keys the model ignores or has no place for.
    private func resolvedName(forCheckpointKey key: String, among own: [String: Tensor]) -> String? {
        let renamed = legacyRenamed(key)
        for candidate in [renamed] + weightNormAlternatives(renamed) {
            if let name = parameterName(forCheckpointKey: candidate), own[name] != nil { return name }
        }
        return nil
    }
}

/// Old LayerNorm names: `*.LayerNorm.gamma` → `*.LayerNorm.weight`, `*.LayerNorm.beta` → `.bias`.
func legacyRenamed(_ key: String) -> String {
    if key.hasSuffix(".gamma") { return String(key.dropLast(6)) + ".weight" }
    if key.hasSuffix(".beta") { return String(key.dropLast(5)) + ".bias" }
    return key
}

/// The other spelling of a weight-norm tensor: `weight_g` ↔ `parametrizations.weight.original0`,
/// `weight_v` ↔ `parametrizations.weight.original1`.
private func weightNormAlternatives(_ key: String) -> [String] {
    let pairs = [(".weight_g", ".parametrizations.weight.original0"), (".weight_v", ".parametrizations.weight.original1")]
    for (old, new) in pairs {
        if key.hasSuffix(old) { return [String(key.dropLast(old.count)) + new] }
        if key.hasSuffix(new) { return [String(key.dropLast(new.count)) + old] }
    }
    return []
}

/// "'a', 'b', 'c' and 4 more".
private func listed(_ names: [String]) -> String {
    let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
}
