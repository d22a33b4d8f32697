/// A compact deflate compressor (RFC 1951) with a zlib wrapper (RFC 1950): greedy LZ77 matching
/// through a hash of 3-byte prefixes over a 32 KiB window, coded with the fixed Huffman tables.
/// Not as tight as zlib's dynamic tables, but small and good on images with flat areas.
enum Deflate {
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        out += compress(data)
        var a: UInt32 = 1, b: UInt32 = 0
        for x in data { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        out += PNG.bigEndian((b << 16) | a)
        return out
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var count: UInt32 = 0
        mutating func write(_ value: UInt32, _ bits: UInt32) {
            buffer |= value << count
            count += bits
            while count >= 8 { bytes.append(UInt8(buffer & 0xFF)); buffer >>= 8; count -= 8 }
        }
        /// Huffman codes are sent most-significant bit first.
        mutating func writeReversed(_ code: UInt32, _ bits: UInt32) {
            var r: UInt32 = 0
            for i in 0..<bits where code & (1 << i) != 0 { r |= 1 << (bits - 1 - i) }
            write(r, bits)
        }
        mutating func finish() -> [UInt8] { if count > 0 { bytes.append(UInt8(buffer & 0xFF)) }; return bytes }
    }

    private static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtra: [UInt32] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [UInt32] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// Fixed Huffman code of a literal/length symbol (RFC 1951 §3.2.6).
    private static func writeSymbol(_ s: Int, _ w: inout BitWriter) {
        switch s {
        case 0...143: w.writeReversed(UInt32(0x30 + s), 8)
        case 144...255: w.writeReversed(UInt32(0x190 + s - 144), 9)
        case 256...279: w.writeReversed(UInt32(s - 256), 7)
        default: w.writeReversed(UInt32(0xC0 + s - 280), 8)
        }
    }

    private static func compress(_ data: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, 1)  // final block
        w.write(1, 2)  // fixed Huffman
        var head = [Int](repeating: -1, count: 1 << 15)
        var previous = [Int](repeating: -1, count: data.count)
        func hash(_ i: Int) -> Int { (Int(data[i]) << 10 ^ Int(data[i + 1]) << 5 ^ Int(data[i + 2])) & 0x7FFF }
        var i = 0
        while i < data.count {
            var bestLength = 0, bestDistance = 0
            if i + 2 < data.count {
                var candidate = head[hash(i)]
                var tries = 32
                while candidate >= 0, i - candidate <= 32768, tries > 0 {
                    var n = 0
                    while n < 258, i + n < data.count, data[candidate + n] == data[i + n] { n += 1 }
                    if n > bestLength { bestLength = n; bestDistance = i - candidate }
                    candidate = previous[candidate]
                    tries -= 1
                }
            }
            let step = bestLength >= 3 ? bestLength : 1
            for k in i..<Swift.min(i + step, data.count - 2) {
                let h = hash(k)
                previous[k] = head[h]
                head[h] = k
            }
            if bestLength >= 3 {
                let li = lengthBase.lastIndex { $0 <= bestLength }!
                writeSymbol(257 + li, &w)
                w.write(UInt32(bestLength - lengthBase[li]), lengthExtra[li])
                let di = distanceBase.lastIndex { $0 <= bestDistance }!
                w.writeReversed(UInt32(di), 5)
                w.write(UInt32(bestDistance - distanceBase[di]), distanceExtra[di])
            } else {
                writeSymbol(Int(data[i]), &w)
            }
            i += step
        }
        writeSymbol(256, &w)
        return w.finish()
    }
}
