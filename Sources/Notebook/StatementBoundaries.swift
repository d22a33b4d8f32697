/// Where the statements of a Lua chunk may end: the byte offsets of its `;` and newline
/// characters that lie outside strings and comments. Some of them end no statement (a newline
/// inside an expression); the cell compiler tries them and lets Lua's parser decide.
enum StatementBoundaries {
    static func offsets(in source: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var i = 0
        while i < source.count {
            switch source[i] {
            case UInt8(ascii: "-") where i + 1 < source.count && source[i + 1] == UInt8(ascii: "-"):
                // A long comment `--[==[ … ]==]`, or a line comment up to (not past) its newline.
                if let end = longBracketEnd(source, from: i + 2) {
                    i = end
                } else {
                    while i < source.count && source[i] != UInt8(ascii: "\n") { i += 1 }
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = source[i]
                i += 1
                while i < source.count && source[i] != quote {
                    if source[i] == UInt8(ascii: "\\") { i += 1 }  // the escaped character, a newline too
                    i += 1
                }
                i += 1
            case UInt8(ascii: "["):
                i = longBracketEnd(source, from: i) ?? i + 1
            case UInt8(ascii: ";"), UInt8(ascii: "\n"):
                offsets.append(i)
                i += 1
            default:
                i += 1
            }
        }
        return offsets
    }

    /// When a long bracket `[`, `=`… , `[` opens at `start`: the offset just past its matching
    /// close (or the end of the source when it never closes).
    private static func longBracketEnd(_ source: [UInt8], from start: Int) -> Int? {
        guard start < source.count, source[start] == UInt8(ascii: "[") else { return nil }
        var k = start + 1, level = 0
        while k < source.count && source[k] == UInt8(ascii: "=") { level += 1; k += 1 }
        guard k < source.count, source[k] == UInt8(ascii: "[") else { return nil }
        let close = [UInt8(ascii: "]")] + Array(repeating: UInt8(ascii: "="), count: level) + [UInt8(ascii: "]")]
        var j = k + 1
        while j + close.count <= source.count {
            if source[j] == close[0] && Array(source[j..<(j + close.count)]) == close { return j + close.count }
            j += 1
        }
        return source.count
    }
}
