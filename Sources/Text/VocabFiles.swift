import Foundation
import TensorCore

/// Readers for the classic vocabulary files: `vocab.txt` (WordPiece), `vocab.json` and
/// `merges.txt` (byte-level BPE). Every error names the file and the line or token at fault.
enum VocabFiles {
    /// The file's bytes, or an error saying it is missing.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError(file: path, reason: "file not found or not readable")
        }
        return [UInt8](data)
    }

    /// The file's lines (split on `\n` only, as Python's `readlines` + `rstrip("\n")` does, so a
    /// `\r` stays part of the token), without the empty piece after a final newline.
    static func lines(_ path: String) throws -> [String] {
        let data = try bytes(path)
        guard String(validating: data, as: UTF8.self) != nil else {
            throw TokenizerError(file: path, reason: "not valid UTF-8")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `vocab.txt`: one token per line, id = line number (from 0).
    static func vocabTxt(_ path: String) throws -> Vocabulary {
        let tokens = try lines(path)
        guard !tokens.isEmpty else { throw TokenizerError(file: path, reason: "the vocabulary is empty") }
        return Vocabulary(lines: tokens)
    }

    /// `vocab.json`: one object mapping each token to its id.
    static func vocabJSON(_ path: String) throws -> Vocabulary {
        guard case .object(let table) = try JSONValue.read(path) else {
            throw TokenizerError(file: path, reason: "expected a JSON object mapping tokens to ids")
        }
        return try vocabulary(from: table, file: path, field: nil)
    }

    /// A token → id object from `vocab.json` or `tokenizer.json`'s `model.vocab`.
    static func vocabulary(from table: [String: JSONValue], file: String, field: String?) throws -> Vocabulary {
        var ids: [String: Int] = [:]
        for (token, value) in table {
            guard let id = value.int, id >= 0 else {
                let place = field.map { "\($0) " } ?? ""
                throw TokenizerError(file: file, reason: "\(place)token '\(token)': id must be a non-negative integer")
            }
            ids[token] = id
        }
        guard !ids.isEmpty else { throw TokenizerError(file: file, reason: "the vocabulary is empty") }
        return Vocabulary(ids)
    }

    /// `merges.txt`: an optional `#version` header, then one `left right` pair per line in rank order.
    static func merges(_ path: String) throws -> [(left: String, right: String, line: Int)] {
        var merges: [(left: String, right: String, line: Int)] = []
        for (index, line) in try lines(path).enumerated() {
            if (index == 0 && line.hasPrefix("#version")) || line.isEmpty { continue }
            let parts = mergeParts(line)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TokenizerError(
                    file: path,
                    reason: "line \(index + 1): expected two symbols separated by "
                        + "one space, got \"\(line)\"")
            }
            merges.append((parts[0], parts[1], index + 1))
        }
        guard !merges.isEmpty else { throw TokenizerError(file: path, reason: "no merges") }
        return merges
    }
}

/// A merge line split at each space, on scalars: split on `Character`s, a space followed by a
/// combining mark would be one grapheme and not split.
func mergeParts(_ line: String) -> [String] {
    line.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
        .map { String(String.UnicodeScalarView($0)) }
}
