import FoundationEssentials
import Models
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// The run's metrics history as JSON Lines (`<run dir>/metrics.jsonl`): one object per
/// optimizer step (`"type": "train"`) and per validation (`"type": "validation"`), appended as
/// they happen, readable with `pandas.read_json(path, lines=True)`.
///
/// Records carry the wall-clock `time` (Unix seconds) besides the step's values; non-finite
/// numbers are written as `null`, which JSON allows and NaN is not. A new run in a folder starts
/// the file afresh; a resumed run continues it from its checkpoint's step.
public struct MetricsFile: Sendable {
    /// The file's path.
    public let path: String

    /// The file `metrics.jsonl` in `directory`, creating the folder when needed.
    /// - Throws: ``TrainingError/setup(_:)`` when the folder cannot be made.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.setup("Trainer: cannot create the run folder \(directory): \(error)")
        }
        path = directory + "/metrics.jsonl"
    }

    /// Appends one record; `fields` are numbers, strings or nil (`null`).
    public func append(_ type: String, _ fields: [String: Double?]) throws {
        var object: [String: JSONValue] = ["type": .string(type), "time": .number(Self.now())]
        for (key, value) in fields {
            object[key] = value.map { $0.isFinite ? .number($0) : .null } ?? .null
        }
        try appendLines([Self.text(object)])
    }

    /// Empties the file (a new run in the folder starts it afresh).
    public func clear() throws { try AtomicFile.write([], to: path) }

    /// Keeps only what a run restored from a checkpoint has done: the train records up to
    /// `step` and the first `validations` validation records. A run resumed in the same folder
    /// then continues the file without the records of the steps it redoes.
    public func truncate(toStep step: Int, validations: Int) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var kept: [Substring] = []
        var validationCount = 0
        for line in text.split(separator: "\n") {
            guard let record = try? JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8)) else {
                continue
            }
            if case .string("validation")? = record["type"] {
                validationCount += 1
                if validationCount <= validations { kept.append(line) }
            } else if case .number(let s)? = record["step"], Int(s) <= step {
                kept.append(line)
            }
        }
        try AtomicFile.write(Array(kept.map { $0 + "\n" }.joined().utf8), to: path)
    }

    /// Appends whole lines; a failed write (a full disk) is cut back off, so the file never ends
    /// in half a record, and the error says why.
    private func appendLines(_ lines: [String]) throws {
        do {
            try AppendFile(path: path).append(Array(lines.map { $0 + "\n" }.joined().utf8))
        } catch {
            throw TrainingError.setup("Trainer: \(error)")
        }
    }

    static func text(_ object: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + (Double(t.tv_nsec) / 1e6).rounded() / 1e3
    }
}
