/// The bitmap font chart labels are drawn with in PNGs: 5×9-pixel glyphs (see
/// `PixelFont+Glyphs.swift`) scaled by a whole number, so strokes stay crisp with no font files.
///
/// A glyph advances 6 font pixels (one blank column between letters). Metrics are in font
/// pixels; multiply by the text size (the scale) for image pixels. SVG output uses a system
/// sans-serif face sized to match these metrics.
enum PixelFont {
    static let glyphWidth = 5
    static let advance = 6
    /// Font pixels above the baseline (capitals and digits).
    static let ascent = 7
    /// Font pixels below the baseline (descenders).
    static let descent = 2

    /// Each glyph's ink as (column, row) pairs, parsed once from the table.
    static let glyphs: [Character: [(Int, Int)]] = glyphRows.mapValues(parse)
    static let missingGlyph = parse(missingGlyphRows)

    private static func parse(_ rows: String) -> [(Int, Int)] {
        var ink: [(Int, Int)] = []
        for (row, bits) in rows.split(separator: " ").enumerated() {
            for (column, bit) in bits.enumerated() where bit == "#" { ink.append((column, row)) }
        }
        return ink
    }

    /// The ink of `c`, or an empty box for characters the font lacks.
    static func ink(_ c: Character) -> [(Int, Int)] { glyphs[c] ?? missingGlyph }

    /// The width of `text` at `size`, in image pixels (no blank column after the last glyph).
    static func width(_ text: String, size: Int) -> Int {
        text.isEmpty ? 0 : (text.count * advance - (advance - glyphWidth)) * size
    }
}
