import TensorCore

/// Every encoder layer's input plus the last layer's output, collected when a call asks for
/// `output_hidden_states` (nil otherwise, so nothing is kept).
struct HiddenStates {
    private(set) var states: [Tensor]?

    init(enabled: Bool) { states = enabled ? [] : nil }

    mutating func append(_ x: Tensor) { states?.append(x) }

    /// Adds `<prefix>hidden_states.0` … `<prefix>hidden_states.<L>` to `outputs`, each passed
    /// through `shape` (which restores video axes).
    func write(into outputs: inout [String: Tensor], prefix: String = "", _ shape: (Tensor) throws -> Tensor = { $0 })
        throws
    {
        for (i, h) in (states ?? []).enumerated() { outputs["\(prefix)hidden_states.\(i)"] = try shape(h) }
    }
}
