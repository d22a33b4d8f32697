/// A point in chart coordinates (pixels from the top-left corner).
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// A rectangle in chart coordinates.
struct Rect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }
}

/// What a chart draws, as a list of shapes in pixel coordinates, so the SVG writer and the PNG
/// rasteriser render one layout.
public struct Drawing {
    /// Where a text's anchor point sits along it.
    enum Anchor {
        case start, middle, end
    }

    enum Item {
        /// A filled rectangle.
        case rect(Rect, fill: Color)
        /// A rectangle shaded from the first color at the top through evenly spaced stops to the last.
        case gradient(Rect, stops: [Color])
        /// Connected segments of the given stroke width, cut to `clip`.
        case polyline([Point], color: Color, width: Double, clip: Rect)
        /// A filled disc.
        case circle(Point, radius: Double, fill: Color)
        /// Text whose baseline passes through `at`; `size` is the pixel-font scale. Vertical text
        /// is turned a quarter left and reads upward.
        case text(String, at: Point, size: Int, color: Color, anchor: Anchor, vertical: Bool, bold: Bool)
    }

    let width: Int
    let height: Int
    var items: [Item] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        items.append(.rect(Rect(x: 0, y: 0, width: Double(width), height: Double(height)), fill: .white))
    }

    mutating func rect(_ r: Rect, _ fill: Color) { items.append(.rect(r, fill: fill)) }

    mutating func text(
        _ s: String, x: Double, y: Double, size: Int, color: Color = .text, anchor: Anchor = .start,
        vertical: Bool = false, bold: Bool = false
    ) {
        items.append(
            .text(s, at: Point(x: x, y: y), size: size, color: color, anchor: anchor, vertical: vertical, bold: bold))
    }

    /// The width of `s` at text size `size`.
    static func textWidth(_ s: String, size: Int) -> Double { Double(PixelFont.width(s, size: size)) }

    /// The height of capitals at text size `size`.
    static func capHeight(size: Int) -> Double { Double(PixelFont.ascent * size) }
}
