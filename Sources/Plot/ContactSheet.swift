import TensorCore

/// Video frames laid out on a grid with a 2-pixel dark border around each, as 8-bit RGB: a
/// look at what a model is fed (`plot.frames`).
public struct ContactSheet: Sendable {
    static let gap = 2
    static let background: UInt8 = 32

    public let width: Int
    public let height: Int
    /// `width × height × 3` bytes, row-major.
    public let pixels: [UInt8]

    /// Lays out `frames` left to right, then top to bottom.
    /// - Parameters:
    ///   - frames: `[T, C, H, W]` or `[C, H, W]` with C = 3 (RGB) or 1 (gray), values in 0...1
    ///     once `mean` and `std` are undone (`value * std + mean` per RGB channel); values
    ///     outside are clamped, NaN shows black.
    ///   - columns: frames per row; up to 8 by default.
    /// - Throws: ``TensorCore/TensorError/invalidArgument(_:)`` for another shape, fewer than
    ///   one column, or a mean or std without three values.
    public init(frames: Tensor, columns: Int? = nil, mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1]) throws {
        let shape = frames.rank == 3 ? [1] + frames.shape : frames.shape
        guard shape.count == 4, shape[1] == 3 || shape[1] == 1, shape[0] >= 1, shape[2] >= 1, shape[3] >= 1 else {
            throw TensorError.invalidArgument(
                "frames [T, 3, H, W], [3, H, W] or [T, 1, H, W] expected, got shape \(frames.shape)")
        }
        if let columns, columns < 1 { throw TensorError.invalidArgument("columns must be ≥ 1, got \(columns)") }
        guard mean.count == 3, std.count == 3 else {
            throw TensorError.invalidArgument(
                "mean and std need 3 values (R, G, B), got \(mean.count) and \(std.count)")
        }
        let (count, channels, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let perRow = min(columns ?? 8, count)
        let rows = (count + perRow - 1) / perRow
        let (width, widthOverflow) = perRow.multipliedReportingOverflow(by: w + Self.gap)
        let (height, heightOverflow) = rows.multipliedReportingOverflow(by: h + Self.gap)
        let (area, areaOverflow) = (width + Self.gap).multipliedReportingOverflow(by: height + Self.gap)
        guard !widthOverflow, !heightOverflow, !areaOverflow, area <= Int(Int32.max) else {
            throw TensorError.invalidArgument("a contact sheet of \(count) frames of \(h)×\(w) is too large")
        }
        self.width = width + Self.gap
        self.height = height + Self.gap
        var pixels = [UInt8](repeating: Self.background, count: area * 3)
        let values = frames.toArray(of: Float.self)
        let plane = h * w
        for t in 0..<count {
            let left = Self.gap + (t % perRow) * (w + Self.gap), top = Self.gap + (t / perRow) * (h + Self.gap)
            for c in 0..<3 {
                let base = (t * channels + (channels == 1 ? 0 : c)) * plane
                for y in 0..<h {
                    let row = ((top + y) * self.width + left) * 3 + c
                    for x in 0..<w {
                        let v = values[base + y * w + x] * std[c] + mean[c]
                        pixels[row + 3 * x] = v.isNaN ? 0 : UInt8((min(max(v, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        self.pixels = pixels
    }

    /// Writes the sheet as a PNG file, atomically, announced through ``Pictures``.
    public func write(to path: String) throws {
        let png = try PNG.encode(width: width, height: height, channels: 3, pixels: pixels)
        try Pictures.write([Picture.File(path: path, format: .png, bytes: png)])
    }
}
