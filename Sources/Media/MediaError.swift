/// Errors raised while reading or transforming media.
///
/// File errors always name the file and carry the reason FFmpeg (`av_strerror`) or libsndfile
/// (`sf_strerror`) gave, so a user can act on them without a debugger:
///
/// ```
/// clips/a.mp4: cannot open: Invalid data found when processing input
/// ```
public enum MediaError: Error, CustomStringConvertible, Equatable {
    /// A file could not be opened, probed or decoded.
    case file(path: String, reason: String)
    /// An option or argument is out of range, e.g. `frames must be positive, got 0`.
    case invalidArgument(String)

    /// The message shown to users, `path: reason` for file errors.
    public var description: String {
        switch self {
        case .file(let path, let reason): return "\(path): \(reason)"
        case .invalidArgument(let message): return message
        }
    }
}
