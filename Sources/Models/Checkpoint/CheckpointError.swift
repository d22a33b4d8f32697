/// A checkpoint that cannot be read: the message names the file, and the tensor or archive entry
/// when there is one, so it can be shown to a user unchanged.
///
/// ```
/// models/uniter/model_step_100.pt: 'uniter.pooler.dense.weight': storage entry
/// model_step_100/data/7 has 1024 bytes, but its LongStorage of 256 elements needs 2048
/// ```
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file being read.
    public let path: String
    /// The tensor name (or, for archive-level problems, the entry) the error is about.
    public let key: String?
    /// What is wrong.
    public let reason: String

    /// Creates an error about `path`, optionally about one `key` in it.
    public init(path: String, key: String? = nil, reason: String) {
        self.path = path
        self.key = key
        self.reason = reason
    }

    public var description: String {
        if let key { return "\(path): '\(key)': \(reason)" }
        return "\(path): \(reason)"
    }
}
