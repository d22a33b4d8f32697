/// Errors raised by tensor operations. Messages name the operation and the offending shapes or
/// values, so they can be shown to a user unchanged.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// An operation received shapes it cannot combine, e.g. `matmul: [2, 3] and [4, 5]`.
    case shape(String)
    /// An argument is out of range or has the wrong dtype.
    case invalidArgument(String)
    /// A file could not be read or written, or is malformed.
    case io(String)
    /// Ctrl-C stopped the operation at a safe point.
    case interrupted

    public var description: String {
        switch self {
        case .shape(let m), .invalidArgument(let m), .io(let m): return m
        case .interrupted: return "interrupted"
        }
    }
}
