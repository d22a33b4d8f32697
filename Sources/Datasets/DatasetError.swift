/// Errors raised while reading manifests, decoding samples and batching them.
///
/// Every error a user can act on names the manifest file and line, and for samples the media
/// file and FFmpeg's or libsndfile's reason:
///
/// ```
/// data/train.jsonl:7: clips/a.mp4: cannot open: Invalid data found when processing input
/// data/train.csv:3: stop (1.5) must be after start (2.0)
/// ```
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The manifest file, or one of its rows, is malformed. `line` is 1-based (nil when the
    /// file as a whole is at fault, e.g. it cannot be read).
    case manifest(path: String, line: Int?, reason: String)
    /// The sample of a manifest row could not be read; `reason` names the media file.
    case sample(manifest: String, line: Int, reason: String)
    /// Samples cannot be combined into a batch (different frame sizes, labels on some only).
    case collate(String)
    /// An argument or option is out of range.
    case invalidArgument(String)

    /// The manifest line the error refers to, if any.
    public var line: Int? {
        switch self {
        case .manifest(_, let line, _): return line
        case .sample(_, let line, _): return line
        case .collate, .invalidArgument: return nil
        }
    }

    /// The message shown to users: `manifest:line: reason` for row errors.
    public var description: String {
        switch self {
        case .manifest(let path, let line, let reason):
            return line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
        case .sample(let manifest, let line, let reason):
            return "\(manifest):\(line): \(reason)"
        case .collate(let message), .invalidArgument(let message):
            return message
        }
    }
}

/// What a loader or a manifest does with a row or sample that cannot be read (`on_error=`).
public enum ErrorPolicy: String, Sendable, Equatable {
    /// Throw the error (the default): a bad file stops the run at once, naming itself.
    case raise
    /// Leave the row or sample out, count it, and report the count at the end of an epoch.
    case skip
}
