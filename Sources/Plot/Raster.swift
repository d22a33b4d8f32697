import TensorCore

/// An RGB image that a ``Drawing`` is painted into: anti-aliased strokes and discs by pixel
/// coverage, crisp rectangles and pixel-font text.
struct Raster {
    let width: Int
    let height: Int
    /// Row-major RGB, one byte per channel.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    /// Paints every item of `drawing`, scaled by `scale` (2 gives a double-resolution image).
    init(_ drawing: Drawing, scale: Int = 1) {
        self.init(width: drawing.width * scale, height: drawing.height * scale)
        let s = Double(scale)
        for item in drawing.items {
            switch item {
            case .rect(let r, let color):
                fill(Rect(x: r.x * s, y: r.y * s, width: r.width * s, height: r.height * s), color)
            case .gradient(let r, let stops):
                shade(Rect(x: r.x * s, y: r.y * s, width: r.width * s, height: r.height * s), stops)
            case .polyline(let points, let color, let width, let clip):
                stroke(
                    points.map { Point(x: $0.x * s, y: $0.y * s) }, width: width * s, color: color,
                    clip: Rect(x: clip.x * s, y: clip.y * s, width: clip.width * s, height: clip.height * s))
            case .circle(let c, let radius, let color):
                disc(Point(x: c.x * s, y: c.y * s), radius: radius * s, color)
            case .text(let text, let at, let size, let color, let anchor, let vertical, let bold):
                write(
                    text, at: Point(x: at.x * s, y: at.y * s), size: size * scale, color: color,
                    anchor: anchor, vertical: vertical)
                // Bold: the same glyphs again one pixel to the right (along the text) per chart pixel.
                if bold {
                    let shifted = vertical ? Point(x: at.x * s, y: at.y * s - s) : Point(x: at.x * s + s, y: at.y * s)
                    write(text, at: shifted, size: size * scale, color: color, anchor: anchor, vertical: vertical)
                }
            }
        }
    }

    /// Mixes `color` into pixel (x, y) with opacity `alpha` (0…1); outside pixels are ignored.
    mutating func blend(x: Int, y: Int, _ color: Color, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let i = (y * width + x) * 3
        let a = min(alpha, 1)
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        pixels[i] = mix(pixels[i], color.red)
        pixels[i + 1] = mix(pixels[i + 1], color.green)
        pixels[i + 2] = mix(pixels[i + 2], color.blue)
    }

    /// Fills the pixels whose centres fall inside `r`.
    mutating func fill(_ r: Rect, _ color: Color) {
        let x0 = max(0, Int((r.x).rounded())), x1 = min(width, Int((r.maxX).rounded()))
        let y0 = max(0, Int((r.y).rounded())), y1 = min(height, Int((r.maxY).rounded()))
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = (y * width + x) * 3
                pixels[i] = color.red
                pixels[i + 1] = color.green
                pixels[i + 2] = color.blue
            }
        }
    }

    /// Fills `r` row by row with colors interpolated between `stops` (top to bottom).
    mutating func shade(_ r: Rect, _ stops: [Color]) {
        guard !stops.isEmpty else { return }
        let y0 = Int(r.y.rounded()), y1 = Int(r.maxY.rounded())
        for y in y0..<max(y0, y1) {
            let t = y1 - y0 > 1 ? Double(y - y0) / Double(y1 - y0 - 1) * Double(stops.count - 1) : 0
            let k = min(Int(t), stops.count - 1)
            let color = k + 1 < stops.count ? stops[k].mixed(with: stops[k + 1], t - Double(k)) : stops[k]
            fill(Rect(x: r.x, y: Double(y), width: r.width, height: 1), color)
        }
    }

    /// Strokes connected segments `width` wide with round joins, inside `clip`. Each pixel takes
    /// its largest coverage over the segments (the stroke's width minus its centre's distance to
    /// the segment, clamped to 0…1), so joints are not painted twice.
    mutating func stroke(_ points: [Point], width lineWidth: Double, color: Color, clip: Rect) {
        guard let first = points.first else { return }
        let half = lineWidth / 2
        let x0 = max(0, Int(clip.x.rounded(.down))), x1 = min(width, Int(clip.maxX.rounded(.up)))
        let y0 = max(0, Int(clip.y.rounded(.down))), y1 = min(height, Int(clip.maxY.rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }
        let boxWidth = x1 - x0
        var coverage = [Float](repeating: 0, count: boxWidth * (y1 - y0))
        let segments = points.count == 1 ? [(first, first)] : Array(zip(points, points.dropFirst()))
        for (a, b) in segments {
            let lowX = max(x0, Int((min(a.x, b.x) - half - 1).rounded(.down)))
            let highX = min(x1, Int((max(a.x, b.x) + half + 1).rounded(.up)))
            let lowY = max(y0, Int((min(a.y, b.y) - half - 1).rounded(.down)))
            let highY = min(y1, Int((max(a.y, b.y) + half + 1).rounded(.up)))
            guard lowX < highX, lowY < highY else { continue }
            let dx = b.x - a.x, dy = b.y - a.y, lengthSquared = dx * dx + dy * dy
            for y in lowY..<highY {
                for x in lowX..<highX {
                    let px = Double(x) + 0.5, py = Double(y) + 0.5
                    // Distance from the pixel centre to the nearest point of the segment.
                    let t = lengthSquared == 0 ? 0 : min(max(((px - a.x) * dx + (py - a.y) * dy) / lengthSquared, 0), 1)
                    let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                    let c = Float(min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1))
                    let k = (y - y0) * boxWidth + (x - x0)
                    if c > coverage[k] { coverage[k] = c }
                }
            }
        }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let c = coverage[(y - y0) * boxWidth + (x - x0)]
                if c > 0 { blend(x: x, y: y, color, alpha: Double(c)) }
            }
        }
    }

    /// Fills a disc with anti-aliased edges.
    mutating func disc(_ c: Point, radius: Double, _ color: Color) {
        let lowX = Int((c.x - radius - 1).rounded(.down)), highX = Int((c.x + radius + 1).rounded(.up))
        let lowY = Int((c.y - radius - 1).rounded(.down)), highY = Int((c.y + radius + 1).rounded(.up))
        for y in lowY...highY {
            for x in lowX...highX {
                let dx = Double(x) + 0.5 - c.x, dy = Double(y) + 0.5 - c.y
                blend(x: x, y: y, color, alpha: min(max(radius + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1))
            }
        }
    }

    /// Writes `text` in the pixel font with its baseline through `at`.
    mutating func write(
        _ text: String, at: Point, size: Int, color: Color, anchor: Drawing.Anchor, vertical: Bool
    ) {
        let length = Double(PixelFont.width(text, size: size))
        let shift =
            switch anchor {
            case .start: 0.0
            case .middle: length / 2
            case .end: length
            }
        // Along the text: +x, or up the image when vertical. Across: the glyph rows run down from
        // the cap line, or right from it when vertical.
        let originAlong = (vertical ? -at.y : at.x) - shift
        let capLine = (vertical ? at.x : at.y) - Double(PixelFont.ascent * size)
        let startAlong = Int(originAlong.rounded()), startAcross = Int(capLine.rounded())
        for (k, c) in text.enumerated() {
            for (column, row) in PixelFont.ink(c) {
                let along = startAlong + (k * PixelFont.advance + column) * size
                let across = startAcross + row * size
                for i in 0..<size {
                    for j in 0..<size {
                        if vertical {
                            blend(x: across + j, y: -(along + i) - 1, color, alpha: 1)
                        } else {
                            blend(x: along + i, y: across + j, color, alpha: 1)
                        }
                    }
                }
            }
        }
    }
}
