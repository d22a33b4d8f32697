/// An sRGB color for charts.
public struct Color: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A color from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#rrggbb`, as SVG writes colors.
    public var hexString: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Relative luminance in 0…1 (Rec. 709 weights on the gamma-encoded values, which is enough
    /// to choose black or white text on a cell).
    var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    /// The color a fraction `t` (0…1) of the way from `self` to `other`.
    func mixed(with other: Color, _ t: Double) -> Color {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return Color(red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)

    /// Series colors, in order: the Tableau 10 palette, chosen to stay apart for most color vision.
    public static let series: [Color] = [
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC,
    ].map(Color.init(hex:))

    // Chart furniture.
    static let text = Color(hex: 0x222222)
    static let mutedText = Color(hex: 0x555555)
    static let grid = Color(hex: 0xE6E6E6)
    static let axis = Color(hex: 0x888888)

    /// A sequential scale from near-white through mid blue to dark navy, for heatmaps.
    static func heat(_ t: Double) -> Color {
        let low = Color(hex: 0xF4F8FB), mid = Color(hex: 0x6AAED6), high = Color(hex: 0x08306B)
        let x = min(max(t, 0), 1)
        return x < 0.5 ? low.mixed(with: mid, x * 2) : mid.mixed(with: high, (x - 0.5) * 2)
    }
}
