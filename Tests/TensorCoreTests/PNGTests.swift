import Testing
import TensorCore

@Suite("PNG")
struct PNGTests {
    @Test func encodesSignatureChunksAndChecksums() throws {
        let (w, h) = (37, 23)
        var pixels: [UInt8] = []
        for y in 0..<h { for x in 0..<w { pixels += [UInt8(x * 6), UInt8(y * 11), x < 10 ? 255 : 0] } }
        let png = try PNG.encode(width: w, height: h, channels: 3, pixels: pixels)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Walk the chunks: each length, type and CRC must be consistent; IHDR first, IEND last.
        var i = 8, types: [String] = []
        while i < png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            let body = Array(png[(i + 4)..<(i + 8 + length)])
            let crc = png[(i + 8 + length)..<(i + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(CRC32.checksum(body) == crc)
            types.append(String(decoding: body.prefix(4), as: UTF8.self))
            i += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(i == png.count)
    }

    @Test func crcOfKnownString() {
        // The standard check value of CRC-32/ISO-HDLC for "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func rejectsWrongSizes() {
        #expect(throws: TensorError.self) { try PNG.encode(width: 2, height: 2, channels: 3, pixels: [1, 2, 3]) }
    }
}
