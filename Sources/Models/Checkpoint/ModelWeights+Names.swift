import TensorCore

/// The generic clean-ups a model loader applies before matching names (MODELS.md §0).
extension ModelWeights {
    /// The current name of a tensor that an older checkpoint stored under `name`, following the
    /// renames transformers applies on load:
    /// - `…LayerNorm.gamma` → `…LayerNorm.weight`, `…LayerNorm.beta` → `…LayerNorm.bias`
    ///   (TensorFlow-converted and pytorch_pretrained_bert checkpoints, UNITER's BERT init);
    /// - `….weight_g` → `….parametrizations.weight.original0`, `….weight_v` →
    ///   `….parametrizations.weight.original1` (weight norm saved before torch's
    ///   parametrizations, e.g. Wav2Vec2's positional convolution).
    ///
    /// Other names are returned unchanged.
    public static func currentName(of name: String) -> String {
        let renames = [
            ("LayerNorm.gamma", "LayerNorm.weight"), ("LayerNorm.beta", "LayerNorm.bias"),
            (".weight_g", ".parametrizations.weight.original0"), (".weight_v", ".parametrizations.weight.original1"),
        ]
        for (old, new) in renames where name.hasSuffix(old) {
            return String(name.dropLast(old.count)) + new
        }
        return name
    }

    /// These weights with every name passed through ``currentName(of:)``.
    /// - Throws: ``CheckpointError`` when an old and a new name land on the same tensor name
    ///   (a checkpoint holding both `x.LayerNorm.gamma` and `x.LayerNorm.weight`).
    public func normalizingLegacyNames() throws -> ModelWeights {
        var out = ModelWeights(tensors: [:], sources: [:])
        for name in tensors.keys.sorted() {
            let renamed = ModelWeights.currentName(of: name)
            guard out.tensors[renamed] == nil else {
                let other = tensors.keys.sorted().first { $0 != name && ModelWeights.currentName(of: $0) == renamed }!
                throw CheckpointError(
                    path: sources[name] ?? "", key: renamed,
                    reason: "both '\(other)' and '\(name)' give this name")
            }
            out.tensors[renamed] = tensors[name]
            out.sources[renamed] = sources[name]
        }
        return out
    }

    /// These weights with every floating-point tensor (F16, BF16, F32, F64) converted to `dtype`;
    /// integer and bool tensors are unchanged. transformers 4.x loaded half-precision checkpoints
    /// as float32, and float32 is what the reference outputs are computed in (MODELS.md §0.5).
    public func convertingFloatingPoint(to dtype: DType = .float32) -> ModelWeights {
        var out = self
        for (name, tensor) in tensors where tensor.dtype.isFloatingPoint && tensor.dtype != dtype {
            out.tensors[name] = tensor.converted(to: dtype)
        }
        return out
    }
}
