import Foundation

/// A row as read from the file: its line and either its fields or why it could not be parsed.
typealias ReadRow = (line: Int, fields: Result<[String: ManifestValue], RowError>)

/// JSON Lines: one JSON object per line; blank lines are skipped.
enum JSONLReader {
    static func rows(_ bytes: [UInt8]) -> [ReadRow] {
        var rows: [ReadRow] = []
        for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let text = raw.drop { isSpace($0) }.reversed().drop { isSpace($0) }.reversed()
            guard !text.isEmpty else { continue }
            rows.append((index + 1, Result { () throws(RowError) in try object(Array(text)) }))
        }
        return rows
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    private static func object(_ line: [UInt8]) throws(RowError) -> [String: ManifestValue] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])
        } catch {
            throw RowError("not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw RowError("expected a JSON object {\"video\": …}, got \(typeName(parsed))")
        }
        return object.mapValues { value in
            switch value {
            case is NSNull: return .null
            case let s as String: return .text(s)
            case let n as NSNumber:
                // Foundation hands out JSON booleans as NSNumbers of type "c" (char).
                return String(cString: n.objCType) == "c" ? .other("a boolean") : .number(n.doubleValue)
            default: return .other(typeName(value))
            }
        }
    }

    private static func typeName(_ value: Any) -> String {
        switch value {
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is String: return "a string"
        case is NSNumber: return "a number"
        default: return "null"
        }
    }
}

/// CSV (RFC 4180): a header row of field names, then one record per row. Cells may be quoted
/// (`"a, b"`, `""` for a quote, line breaks inside quotes); unquoted cells are trimmed of
/// spaces; an empty cell is an absent field.
enum CSVReader {
    static func rows(_ bytes: [UInt8]) throws(RowError) -> (header: [String], rows: [ReadRow]) {
        let records = try records(bytes)
        guard let (_, header) = records.first else { throw RowError("no header row") }
        let names = header.map { $0 ?? "" }
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw RowError("the header names the field \"\(duplicate)\" twice")
        }
        let rows: [ReadRow] = records.dropFirst().map { line, cells in
            guard cells.count == names.count else {
                return (line, .failure(RowError("\(cells.count) cells, but the header has \(names.count)")))
            }
            var fields: [String: ManifestValue] = [:]
            for (name, cell) in zip(names, cells) { fields[name] = cell.map { .text($0) } ?? .null }
            return (line, .success(fields))
        }
        return (names, rows)
    }

    /// Records with the line each starts on; a cell is nil when empty and unquoted.
    private static func records(_ bytes: [UInt8]) throws(RowError) -> [(Int, [String?])] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
        var records: [(Int, [String?])] = []
        var cells: [String?] = []
        var cell: [UInt8] = []
        var inQuotes = false, quoted = false
        var line = 1, recordLine = 1
        func endCell() {
            if quoted {
                cells.append(String(decoding: cell, as: UTF8.self))
            } else {
                let text = String(decoding: cell, as: UTF8.self).trimmingSpaces
                cells.append(text.isEmpty ? nil : String(text))
            }
            cell.removeAll(keepingCapacity: true)
            quoted = false
        }
        func endRecord() {
            let blank = cells.isEmpty && cell.isEmpty && !quoted
            endCell()
            if !(blank || (cells.count == 1 && cells[0] == nil)) { records.append((recordLine, cells)) }
            cells.removeAll()
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        cell.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == newline { line += 1 }
                    cell.append(b)
                }
            } else if b == quote && !quoted && cell.allSatisfy({ $0 == 0x20 }) {
                cell.removeAll()
                inQuotes = true
                quoted = true
            } else if b == comma {
                endCell()
            } else if b == newline {
                endRecord()
                line += 1
                recordLine = line
            } else if b != 0x0D {  // CRLF line ends
                cell.append(b)
            }
            i += 1
        }
        if inQuotes { throw RowError("a quoted cell is never closed", line: recordLine) }
        endRecord()
        return records
    }
}

/// The bytes of a file, with the system's reason when it cannot be read.
func readFile(_ path: String) throws(RowError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw RowError("cannot open: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw RowError("cannot read: \(String(cString: strerror(errno)))")
        }
        if n == 0 { return bytes }
        bytes += chunk[0..<n]
    }
}
