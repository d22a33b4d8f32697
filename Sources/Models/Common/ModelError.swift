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
