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

/// A chart: one layout (a ``Drawing``) rendered as SVG text or as pixels.
public protocol Chart: Sendable {
    /// The chart's shapes in chart pixels.
    func drawing() -> Drawing
}

extension Chart {
    /// The chart as an SVG document.
    public func svg() -> String { drawing().svg() }

    /// The chart as PNG bytes, `scale` image pixels per chart pixel (2 for high-density screens).
    public func png(scale: Int = 1) throws -> [UInt8] { try rasterized(scale: scale).png() }

    /// The chart as an RGB image, `scale` image pixels per chart pixel.
    public func rasterized(scale: Int = 1) -> ChartImage { ChartImage(Raster(drawing(), scale: max(scale, 1))) }

    /// Writes the chart: a path ending in `.svg` or `.png` gets that format; any other path is a
    /// base name that gets both `<path>.svg` and `<path>.png`. Files are written atomically and
    /// announced through ``Pictures``.
    /// - Returns: the paths written.
    @discardableResult
    public func write(to path: String, scale: Int = 1) throws -> [String] {
        guard scale >= 1 else { throw TensorError.invalidArgument("plot: scale must be >= 1, got \(scale)") }
        let drawing = drawing()
        let lower = path.lowercased()
        let wantsSVG = !lower.hasSuffix(".png"), wantsPNG = !lower.hasSuffix(".svg")
        let both = wantsSVG && wantsPNG
        var files: [Picture.File] = []
        if wantsSVG {
            files.append(
                Picture.File(path: both ? path + ".svg" : path, format: .svg, bytes: Array(drawing.svg().utf8)))
        }
        if wantsPNG {
            let png = try ChartImage(Raster(drawing, scale: scale)).png()
            files.append(Picture.File(path: both ? path + ".png" : path, format: .png, bytes: png))
        }
        return try Pictures.write(files)
    }
}
