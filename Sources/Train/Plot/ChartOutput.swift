import TensorCore

/// A rendered chart: 8-bit RGB pixels, row-major, for display or further composition.
public struct ChartImage: Sendable {
    public let width: Int
    public let height: Int
    /// `width × height × 3` bytes.
    public let pixels: [UInt8]

    init(_ raster: Raster) {
        width = raster.width
        height = raster.height
        pixels = raster.pixels
    }

    /// The color at column `x`, row `y`.
    public func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// The image as PNG bytes.
    public func png() throws -> [UInt8] { try PNG.encode(width: width, height: height, channels: 3, pixels: pixels) }
}

extension Drawing {
    /// Writes the drawing: a path ending in `.svg` or `.png` gets that format; any other path is a
    /// base name that gets both `<path>.svg` and `<path>.png`. Files are written atomically.
    /// - Returns: the paths written.
    func write(to path: String, scale: Int) throws -> [String] {
        guard scale >= 1 else { throw TensorError.invalidArgument("plot: scale must be >= 1, got \(scale)") }
        let lower = path.lowercased()
        let wantsSVG = !lower.hasSuffix(".png"), wantsPNG = !lower.hasSuffix(".svg")
        let both = wantsSVG && wantsPNG
        var written: [String] = []
        if wantsSVG {
            let target = both ? path + ".svg" : path
            try AtomicFile.write(Array(svg().utf8), to: target)
            written.append(target)
        }
        if wantsPNG {
            let target = both ? path + ".png" : path
            try AtomicFile.write(try ChartImage(Raster(self, scale: scale)).png(), to: target)
            written.append(target)
        }
        return written
    }
}
