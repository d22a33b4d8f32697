/// A PNG encoder for 8-bit RGB and RGBA images (contact sheets, charts).
///
/// Pixel rows are filtered with the Sub or Up filter (whichever is smaller for the row) and
/// compressed by a small LZ77 + fixed-Huffman deflate, which shrinks flat chart backgrounds and
/// screen captures well; files open in every viewer. Written atomically.
public enum PNG {
    /// Encodes `pixels` (row-major, `channels` = 3 or 4 bytes per pixel) as PNG bytes.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws -> [UInt8] {
        guard channels == 3 || channels == 4, width > 0, height > 0, pixels.count == width * height * channels else {
            throw TensorError.invalidArgument(
                "png: expected \(width)×\(height)×\(channels) bytes (3 or 4 channels), got \(pixels.count)")
        }
        var raw: [UInt8] = []
        raw.reserveCapacity((width * channels + 1) * height)
        let stride = width * channels
        for y in 0..<height {
            let row = pixels[(y * stride)..<((y + 1) * stride)]
            let above = y > 0 ? pixels[((y - 1) * stride)..<(y * stride)] : nil
            var sub = [UInt8](repeating: 0, count: stride), up = sub
            var subCost = 0, upCost = 0
            for i in 0..<stride {
                let x = row[row.startIndex + i]
                sub[i] = x &- (i >= channels ? row[row.startIndex + i - channels] : 0)
                up[i] = x &- (above.map { $0[$0.startIndex + i] } ?? 0)
                subCost += Int(Int8(bitPattern: sub[i]).magnitude)
                upCost += Int(Int8(bitPattern: up[i]).magnitude)
            }
            raw.append(upCost < subCost ? 2 : 1)
            raw += upCost < subCost ? up : sub
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, channels == 4 ? 6 : 2, 0, 0, 0]  // depth 8, RGB(A), deflate, adaptive filters, no interlace
        chunk("IHDR", header, into: &out)
        chunk("IDAT", Deflate.zlib(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// Encodes and writes a PNG file atomically.
    public static func write(path: String, width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try AtomicFile.write(try encode(width: width, height: height, channels: channels, pixels: pixels), to: path)
    }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count)) + typeBytes + data
        out += bigEndian(CRC32.checksum(typeBytes + data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}

/// CRC-32 (IEEE 802.3 polynomial, reflected), as PNG chunks and zip files use.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
