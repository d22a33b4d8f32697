import Foundation
import Plot
import Synchronization
import TensorCore
import TestSupport
import Testing

/// Every PNG Ember writes decodes, with FFmpeg's PNG decoder, to exactly the pixels it was given.
@Suite("PNG")
struct PNGTests {
    /// Bytes from a fixed linear congruential sequence (noise compresses worst).
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    struct Case: Sendable {
        let name: String
        let width: Int
        let height: Int
        let channels: Int
        let pixels: [UInt8]

        /// An image whose pixel (x, y) is `pixel(x, y)`.
        init(_ name: String, _ width: Int, _ height: Int, _ channels: Int, pixel: (Int, Int) -> [UInt8]) {
            self.init(
                name, width, height, channels,
                pixels: (0..<height).flatMap { y in (0..<width).flatMap { x in pixel(x, y) } })
        }

        init(_ name: String, _ width: Int, _ height: Int, _ channels: Int, pixels: [UInt8]) {
            self.name = name
            self.width = width
            self.height = height
            self.channels = channels
            self.pixels = pixels
        }
    }

    static let images: [Case] = [
        Case("1×1 RGB", 1, 1, 3, pixels: [200, 10, 30]),
        Case("1×1 RGBA", 1, 1, 4, pixels: [1, 2, 3, 4]),
        // The hand-written deflate this replaced trapped on these two (a stream ending in a literal).
        Case("86×3 white", 86, 3, 3, pixels: [UInt8](repeating: 255, count: 86 * 3 * 3)),
        Case("1×97 gradient", 1, 97, 3) { _, y in [UInt8(y), UInt8(255 - y), 7] },
        Case("97×1 gradient", 97, 1, 3) { x, _ in [UInt8(x * 2), 0, UInt8(x)] },
        Case("37×23 bands", 37, 23, 3) { x, y in [UInt8(x * 6), UInt8(y * 11), x < 10 ? 255 : 0] },
        Case("61×47 noise RGB", 61, 47, 3, pixels: noise(61 * 47 * 3, seed: 1)),
        Case("61×47 noise RGBA", 61, 47, 4, pixels: noise(61 * 47 * 4, seed: 2)),
        Case("640×480 flat", 640, 480, 3, pixels: [UInt8](repeating: 32, count: 640 * 480 * 3)),
    ]

    @Test(arguments: images.indices)
    func decodesToTheGivenPixels(index: Int) throws {
        let image = Self.images[index]
        let png = try PNG.encode(
            width: image.width, height: image.height, channels: image.channels, pixels: image.pixels)
        let decoded = try FFmpegPNG.decode(png)
        #expect(
            decoded
                == FFmpegPNG.Image(
                    width: image.width, height: image.height, channels: image.channels, pixels: image.pixels),
            "\(image.name)")
    }

    @Test func chunksAreSignatureHeaderDataEnd() throws {
        let png = try PNG.encode(width: 5, height: 2, channels: 4, pixels: Self.noise(40, seed: 3))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var i = 8
        var types: [String] = []
        while i + 8 <= png.count {
            let length = png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self))
            i += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(i == png.count)
        #expect(png[24] == 8 && png[25] == 6)  // 8-bit RGBA
    }

    /// The reference is strict: a changed data byte or checksum byte is an error, not other pixels.
    @Test func theCheckerRefusesDamagedFiles() throws {
        let png = try PNG.encode(width: 37, height: 23, channels: 3, pixels: Self.noise(37 * 23 * 3, seed: 4))
        _ = try FFmpegPNG.decode(png)
        let idat = 8 + 25  // after the signature and the 13-byte IHDR chunk
        for offset in [idat + 8 + 20, png.count - 12 - 1] {  // a compressed byte, the IDAT CRC's last byte
            var damaged = png
            damaged[offset] ^= 0x40
            #expect(throws: FFmpegPNG.Failure.self) { try FFmpegPNG.decode(damaged) }
        }
    }

    @Test func rejectsWrongSizes() {
        for (width, height, channels, count) in [(2, 2, 3, 3), (0, 1, 3, 0), (1, 1, 2, 2), (-1, -1, 3, 3)] {
            #expect(throws: TensorError.self) {
                try PNG.encode(
                    width: width, height: height, channels: channels, pixels: [UInt8](repeating: 0, count: count))
            }
        }
    }

    @Test func chartsDecodeToTheirRasters() throws {
        var line = LineChart(
            title: "Loss",
            series: [
                LineChart.Series(name: "train", values: (0..<300).map { 2 / Double($0 + 1) + 0.1 }),
                try LineChart.Series(name: "validation", x: [100, 200, 300], y: [0.9, 0.5, 0.4]),
            ])
        line.yLabel = "loss"
        let confusion = try ConfusionMatrixChart(
            counts: [[8, 0, 1], [2, 5, 0], [0, 1, 9]], classNames: ["calculator", "clock", "eyes"])
        for scale in [1, 2] {
            for (name, image, png) in [
                ("line", line.rasterized(scale: scale), try line.png(scale: scale)),
                ("confusion", confusion.rasterized(scale: scale), try confusion.png(scale: scale)),
            ] {
                let decoded = try FFmpegPNG.decode(png)
                #expect(
                    decoded
                        == FFmpegPNG.Image(width: image.width, height: image.height, channels: 3, pixels: image.pixels),
                    "\(name) at scale \(scale)")
            }
        }
    }

    @Test func contactSheetFileDecodesToItsPixels() throws {
        let dir = try Fixtures.temporaryDirectory("contact-sheet")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Five 7×9 frames, three to a row: frame t is filled with t / 4 in red and 1 - t / 4 in blue.
        var values: [Float] = []
        for t in 0..<5 {
            for level: Float in [Float(t) / 4, 0, 1 - Float(t) / 4] {
                values += [Float](repeating: level, count: 7 * 9)
            }
        }
        let frames = try Tensor(shape: [5, 3, 7, 9], scalars: values)
        let sheet = try ContactSheet(frames: frames, columns: 3)
        #expect(sheet.width == 3 * (9 + 2) + 2 && sheet.height == 2 * (7 + 2) + 2)
        try sheet.write(to: dir + "/sheet.png")
        let decoded = try FFmpegPNG.decode(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/sheet.png"))))
        #expect(decoded == FFmpegPNG.Image(width: sheet.width, height: sheet.height, channels: 3, pixels: sheet.pixels))
        // Frame 4 (second row, second column) starts at x = 2 + 11, y = 2 + 9; the border is dark.
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(decoded.pixels[((y * sheet.width + x) * 3)...].prefix(3)) }
        #expect(pixel(13, 11) == [255, 0, 0])
        #expect(pixel(2, 2) == [0, 0, 255])
        #expect(pixel(12, 11) == [32, 32, 32])
    }
}

/// Pictures: every chart and contact sheet written is announced to observers, once per picture.
@Suite struct PicturesTests {
    @Test func writesAreAnnouncedWithTheirFormats() throws {
        let dir = try Fixtures.temporaryDirectory("pictures")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seen = Mutex<[[String]]>([])
        // Tests run in parallel: pictures other tests write are left out.
        var observation: PictureObservation? = Pictures.observe { picture in
            guard picture.files.allSatisfy({ $0.path.hasPrefix(dir + "/") }) else { return }
            let files = picture.files.map { "\($0.path) \($0.format.rawValue) \($0.bytes.count)" }
            seen.withLock { $0.append(files) }
        }
        let chart = LineChart(series: [LineChart.Series(name: "a", values: [1, 3, 2])])
        let paths = try chart.write(to: dir + "/loss", scale: 2)
        try ContactSheet(frames: Tensor(zeros: [1, 3, 4, 4])).write(to: dir + "/sheet.png")
        observation = nil
        _ = observation
        try chart.write(to: dir + "/after.svg")  // no longer observed
        let sizes = try paths.map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as! Int }
        let sheetSize = try FileManager.default.attributesOfItem(atPath: dir + "/sheet.png")[.size] as! Int
        #expect(
            seen.withLock { $0 } == [
                ["\(dir)/loss.svg svg \(sizes[0])", "\(dir)/loss.png png \(sizes[1])"],
                ["\(dir)/sheet.png png \(sheetSize)"],
            ])
    }
}
