/// A manifest: the list of clips of a dataset, read from JSON Lines or CSV.
///
/// Each row names a `video` and/or an `audio` file (relative to the manifest's folder unless
/// absolute), an optional time range `start`/`stop` in seconds, a `label`, a `text` and an
/// `id`. A row without `audio` takes its voice from the video's own audio track.
///
/// ```json
/// {"video": "clips/clock_00.mp4", "audio": null, "start": 0, "stop": 3, "label": "clock", "text": "what time is it"}
/// ```
///
/// **Class ids** are positions in ``classes``: the distinct labels sorted by Unicode code point
/// (Python's `sorted`), or numerically when every label is an integer (`"2"` before `"10"`),
/// so the same labels always give the same ids whatever the row order. Either every row has a
/// label or none has.
///
/// **Ids** are the row's `id` field, else its video (or audio) path as written; when several
/// rows share a path without an `id`, the range is appended (`clips/a.mp4@0-3`).
public struct Manifest: Sendable {
    /// The manifest file as given (empty for a manifest built in code).
    public let path: String
    /// The folder relative paths are resolved against.
    public let directory: String
    /// The rows that were read, in file order.
    public let entries: [ManifestEntry]
    /// Label names in class-id order: class id `k` is `classes[k]`.
    public let classes: [String]
    /// Rows left out under ``ErrorPolicy/skip``, each naming its line and reason.
    public let skipped: [DatasetError]

    /// Reads a manifest. The format is JSON Lines for `.jsonl`/`.json`/`.ndjson` files, CSV for
    /// `.csv`, and otherwise JSON Lines when the first character is `{`.
    /// - Parameter onError: with ``ErrorPolicy/skip``, malformed rows (missing fields, wrong
    ///   types, bad time ranges, unparsable lines) are left out and listed in ``skipped``.
    /// - Throws: ``DatasetError/manifest(path:line:reason:)`` naming the file and line.
    public init(path: String, onError: ErrorPolicy = .raise) throws(DatasetError) {
        let bytes: [UInt8]
        let rows: [ReadRow]
        do {
            bytes = try readFile(path)
            rows = try Self.isCSV(path: path, bytes: bytes) ? CSVReader.rows(bytes).rows : JSONLReader.rows(bytes)
        } catch {
            throw .manifest(path: path, line: error.line, reason: error.reason)
        }
        var entries: [ManifestEntry] = []
        var skipped: [DatasetError] = []
        for row in rows {
            do {
                entries.append(try ManifestEntry(checking: ManifestRecord(line: row.line, fields: row.fields.get())))
            } catch {
                let failure = DatasetError.manifest(path: path, line: row.line, reason: error.reason)
                guard onError == .skip else { throw failure }
                skipped.append(failure)
            }
        }
        // Labels on some rows only would leave the others without a class id.
        if entries.contains(where: { $0.label != nil }) {
            for entry in entries where entry.label == nil {
                let failure = DatasetError.manifest(
                    path: path, line: entry.line, reason: "label is missing (other rows have labels)")
                guard onError == .skip else { throw failure }
                skipped.append(failure)
            }
            entries.removeAll { $0.label == nil }
        }
        guard !entries.isEmpty || !skipped.isEmpty else {
            throw .manifest(path: path, line: nil, reason: "no rows")
        }
        self.init(
            entries: entries, directory: Self.folder(of: path), path: path,
            skipped: skipped.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }

    /// A manifest of entries built in code; relative paths resolve against `directory`.
    /// - Throws: ``DatasetError/invalidArgument(_:)`` when some entries have labels and others not.
    public init(entries: [ManifestEntry], directory: String = ".") throws(DatasetError) {
        let labelled = entries.filter { $0.label != nil }.count
        guard labelled == 0 || labelled == entries.count else {
            throw .invalidArgument("\(entries.count - labelled) of \(entries.count) entries have no label")
        }
        self.init(entries: entries, directory: directory, path: "", skipped: [])
    }

    private init(entries: [ManifestEntry], directory: String, path: String, skipped: [DatasetError]) {
        self.path = path
        self.directory = directory
        self.skipped = skipped
        classes = Self.sortedClasses(Set(entries.compactMap(\.label)))
        self.entries = Self.uniqueIDs(entries)
    }

    /// The class id of `entry`'s label (0-based), or nil when it has none.
    public func classID(of entry: ManifestEntry) -> Int? {
        entry.label.flatMap { classes.firstIndex(of: $0) }
    }

    /// `path` resolved against the manifest's folder (absolute paths are kept).
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
    }

    // MARK: - Rules

    private static func isCSV(path: String, bytes: [UInt8]) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return true }
        if [".jsonl", ".json", ".ndjson"].contains(where: lower.hasSuffix) { return false }
        return bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } != UInt8(ascii: "{")
    }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func sortedClasses(_ labels: Set<String>) -> [String] {
        let numbers = labels.map { Int($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(labels, numbers).sorted { $0.1! < $1.1! }.map(\.0)
        }
        return labels.sorted { a, b in
            a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        }
    }

    private static func uniqueIDs(_ entries: [ManifestEntry]) -> [ManifestEntry] {
        let uses = Dictionary(entries.map { ($0.id, 1) }, uniquingKeysWith: +)
        return entries.map { entry in
            var entry = entry
            if uses[entry.id]! > 1, entry.id == entry.video ?? entry.audio {
                entry.id += "@\(format(entry.start ?? 0))-\(entry.stop.map(format) ?? "end")"
            }
            return entry
        }
    }
}
