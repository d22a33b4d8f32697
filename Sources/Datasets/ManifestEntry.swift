/// One row of a manifest: a clip of a screen recording with the user's voice, a label and text.
///
/// Paths are as the manifest wrote them (relative to the manifest's folder unless absolute);
/// ``Manifest/resolve(_:)`` turns them into paths to open.
public struct ManifestEntry: Sendable, Equatable {
    /// The row's line in the manifest file (1-based; the CSV header is line 1).
    public var line: Int
    /// The video file, or nil for an audio-only row.
    public var video: String?
    /// A separate audio file; nil means the video's own audio track (if it has one).
    public var audio: String?
    /// Start of the clip in seconds, on the timeline of both files; the start of the file when nil.
    public var start: Double?
    /// End of the clip in seconds (exclusive); the end of the file when nil.
    public var stop: Double?
    /// The label name; its class id is its position in ``Manifest/classes``.
    public var label: String?
    /// Free text (a transcript or caption of the request).
    public var text: String?
    /// A name for the sample: the row's `id` field, or its file (see ``Manifest``).
    public var id: String

    /// Creates an entry; `id` defaults to the video (or audio) path.
    public init(
        line: Int, video: String?, audio: String? = nil, start: Double? = nil,
        stop: Double? = nil, label: String? = nil, text: String? = nil, id: String? = nil
    ) {
        self.line = line
        self.video = video
        self.audio = audio
        self.start = start
        self.stop = stop
        self.label = label
        self.text = text
        self.id = id ?? video ?? audio ?? "line \(line)"
    }
}

/// A field value as a manifest file holds it, before its type is checked.
enum ManifestValue: Equatable {
    case null
    case text(String)
    case number(Double)
    /// Any other JSON value (boolean, array, object), kept as its type name for the error.
    case other(String)
}

/// A parsed but unchecked manifest row.
struct ManifestRecord {
    var line: Int
    var fields: [String: ManifestValue]
}

extension ManifestEntry {
    /// Checks a record's field types and time range. Fields other than `video`, `audio`,
    /// `start`, `stop`, `label`, `text` and `id` are ignored (manifests often carry notes).
    /// - Throws: the reason, without the file and line (the caller adds them).
    init(checking record: ManifestRecord) throws(RowError) {
        func string(_ name: String) throws(RowError) -> String? {
            switch record.fields[name] ?? .null {
            case .null: return nil
            case .text(let s): return s
            case .number(let x): throw RowError("\(name) must be a string, got the number \(format(x))")
            case .other(let type): throw RowError("\(name) must be a string, got \(type)")
            }
        }
        // A label or id may be written as an integer (class 3); it is named by its decimal form.
        func name(_ name: String) throws(RowError) -> String? {
            if case .number(let x) = record.fields[name], let n = Int(exactly: x) { return String(n) }
            return try string(name)
        }
        func seconds(_ name: String) throws(RowError) -> Double? {
            let value: Double
            switch record.fields[name] ?? .null {
            case .null: return nil
            case .number(let x): value = x
            case .text(let s):
                guard let x = Double(s.trimmingSpaces) else {
                    throw RowError("\(name) must be a number of seconds, got \"\(s)\"")
                }
                value = x
            case .other(let type): throw RowError("\(name) must be a number of seconds, got \(type)")
            }
            guard value.isFinite, value >= 0 else {
                throw RowError("\(name) must be a time ≥ 0 in seconds, got \(format(value))")
            }
            return value
        }
        let video = try string("video"), audio = try string("audio")
        guard video != nil || audio != nil else { throw RowError("the row has neither video nor audio") }
        for (field, path) in [("video", video), ("audio", audio)] where path?.isEmpty == true {
            throw RowError("\(field) is an empty path")
        }
        let start = try seconds("start"), stop = try seconds("stop")
        if let stop, stop <= (start ?? 0) {
            throw RowError("bad time range: stop (\(format(stop))) must be after start (\(format(start ?? 0)))")
        }
        self.init(
            line: record.line, video: video, audio: audio, start: start, stop: stop,
            label: try name("label"), text: try string("text"), id: try name("id"))
    }
}

/// Why a row was rejected; ``Manifest`` adds the file and (unless given here) the line.
struct RowError: Error {
    let reason: String
    let line: Int?
    init(_ reason: String, line: Int? = nil) {
        self.reason = reason
        self.line = line
    }
}

/// A number as users wrote it: `2` rather than `2.0`.
func format(_ x: Double) -> String {
    if let n = Int(exactly: x) { return String(n) }
    return String(x)
}

extension String {
    /// Without leading and trailing spaces and tabs (CSV cells are often padded).
    var trimmingSpaces: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }) else { return "" }
        let last = lastIndex(where: { !blank($0) })!
        return self[first...last]
    }
}
