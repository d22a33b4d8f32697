/// An 8-bit RGB image, rows top to bottom, pixels interleaved `R G B` (HWC, as PIL and
/// `frame.to_ndarray(format="rgb24")` lay them out).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height × width × 3` bytes.
    public var pixels: [UInt8]

    /// Wraps `pixels` (`height × width × 3` bytes).
    /// - Throws: ``MediaError/invalidArgument(_:)`` when the sizes disagree.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw MediaError.invalidArgument(
                "RGBImage: \(pixels.count) bytes do not make a \(height)×\(width)×3 image")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The `height × width` region whose top-left corner is at (`top`, `left`).
    public func cropped(top: Int, left: Int, height h: Int, width w: Int) throws -> RGBImage {
        guard top >= 0, left >= 0, h > 0, w > 0, top + h <= height, left + w <= width else {
            throw MediaError.invalidArgument(
                "crop \(h)×\(w) at (\(top), \(left)) exceeds a \(height)×\(width) image")
        }
        var out = [UInt8](repeating: 0, count: h * w * 3)
        for y in 0..<h {
            let from = ((top + y) * width + left) * 3
            out.replaceSubrange(y * w * 3..<(y + 1) * w * 3, with: pixels[from..<from + w * 3])
        }
        return RGBImage(uncheckedWidth: w, height: h, pixels: out)
    }
}
