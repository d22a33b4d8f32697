/// GPT-2's byte-to-character table (MODELS.md §7.3 step 3).
///
/// Every byte gets a printable stand-in so that BPE can work on text: the bytes `!`…`~`, `¡`…`¬`
/// and `®`…`ÿ` stand for themselves; the other 68 bytes, in increasing order, become U+0100,
/// U+0101, …. So `é` (C3 A9) is written `Ã©`.
enum ByteLevel {
    /// The stand-in of each byte, indexed by the byte.
    static let scalarOfByte: [Unicode.Scalar] = {
        var next: UInt32 = 0x100
        return (0...255).map { (byte: UInt32) -> Unicode.Scalar in
            switch byte {
            case 0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF: return Unicode.Scalar(byte)!
            default:
                defer { next += 1 }
                return Unicode.Scalar(next)!
            }
        }
    }()

    /// The byte behind each stand-in.
    static let byteOfScalar: [Unicode.Scalar: UInt8] = {
        var table: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalarOfByte.enumerated() { table[scalar] = UInt8(byte) }
        return table
    }()

    /// Maps the UTF-8 bytes of `text` to their stand-ins.
    static func encode(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for byte in text.utf8 { out.append(scalarOfByte[Int(byte)]) }
        return String(out)
    }

    /// The bytes a token stands for. A token with a character outside the table (an added token
    /// such as a non-ASCII special string) stands for its own UTF-8 bytes.
    static func bytes(of token: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in token.unicodeScalars {
            guard let byte = byteOfScalar[scalar] else { return Array(token.utf8) }
            bytes.append(byte)
        }
        return bytes
    }
}
