import TensorCore

/// What a state-dict load found: keys the module has but the source lacks, and keys the source
/// has that the module does not.
public struct LoadReport: Sendable, Equatable, CustomStringConvertible {
    public var missing: [String]
    public var unexpected: [String]

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing keys: " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { parts.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
        return parts.isEmpty ? "all keys matched" : parts.joined(separator: "; ")
    }
}

extension Module {
    /// Parameters and persistent buffers by dotted name (the tensors themselves, not copies).
    public func stateDict() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, t) in namedParameters() + namedBuffers() { out[name] = t }
        return out
    }

    /// Copies `tensors` into this module's parameters and buffers, converting dtypes (F16/BF16
    /// checkpoints load into float32 parameters).
    ///
    /// - Parameter strict: when true, any missing or unexpected key is an error; when false they
    ///   are only reported.
    /// - Throws: on a shape mismatch (always), or on missing/unexpected keys when strict.
    /// - Returns: the keys that were missing and unexpected.
    @discardableResult
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true, source: String = "state dict") throws
        -> LoadReport
    {
        let own = namedParameters() + namedBuffers()
        let ownNames = Set(own.map(\.name))
        let report = LoadReport(
            missing: own.map(\.name).filter { tensors[$0] == nil },
            unexpected: tensors.keys.filter { !ownNames.contains($0) }.sorted())
        if strict && (!report.missing.isEmpty || !report.unexpected.isEmpty) {
            throw TensorError.invalidArgument("load_state_dict: \(source) does not match \(typeName): \(report)")
        }
        for (name, target) in own {
            guard let value = tensors[name] else { continue }
            guard value.shape == target.shape else {
                throw TensorError.shape(
                    "load_state_dict: \(source) has \(name) of shape \(value.shape), but \(typeName) expects \(target.shape)"
                )
            }
        }
        noGrad {
            for (name, target) in own {
                if let value = tensors[name] { try! target.assign(value) }  // shapes checked above
            }
        }
        return report
    }
}
