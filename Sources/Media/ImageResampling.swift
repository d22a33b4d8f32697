/// The resampling filters of Pillow's `Image.resize` (and so of Hugging Face's PIL-backend image
/// processors), with their `PIL.Image.Resampling` codes.
public enum ResampleFilter: Int, Sendable {
    /// Triangle filter, support 1 (`Resampling.BILINEAR`, code 2).
    case bilinear = 2
    /// Keys cubic with a = −0.5, support 2 (`Resampling.BICUBIC`, code 3).
    case bicubic = 3

    var support: Double { self == .bilinear ? 1 : 2 }

    func weight(_ x: Double) -> Double {
        let x = abs(x)
        switch self {
        case .bilinear:
            return x < 1 ? 1 - x : 0
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
}

extension RGBImage {
    /// This image resized to `width × height` exactly as Pillow's `Image.resize(filter)` does on
    /// 8-bit RGB: separable antialiased filtering whose support widens by the downscale factor,
    /// horizontal pass first into an 8-bit intermediate, weights in 22-bit fixed point with
    /// round-half-up and clamping — so the bytes equal Pillow's.
    /// - Throws: ``MediaError/invalidArgument(_:)`` for a non-positive size.
    public func resized(
        width outWidth: Int, height outHeight: Int,
        filter: ResampleFilter
    ) throws -> RGBImage {
        guard outWidth > 0, outHeight > 0 else {
            throw MediaError.invalidArgument("resize to \(outHeight)×\(outWidth): sizes must be positive")
        }
        if outWidth == width && outHeight == height { return self }
        let horizontal = FixedPointKernel(inSize: width, outSize: outWidth, filter: filter)
        let vertical = FixedPointKernel(inSize: height, outSize: outHeight, filter: filter)
        // Only the source rows some output row reads take part in the horizontal pass.
        let firstRow = vertical.bounds[0].start
        let lastRow = vertical.bounds[outHeight - 1].start + vertical.bounds[outHeight - 1].count
        var temporary = pixels
        var rows = height
        var rowOffset = 0
        if outWidth != width {
            temporary = horizontal.apply(
                pixels, lines: lastRow - firstRow, firstLine: firstRow,
                lineStride: width * 3, step: 3, outLineStride: outWidth * 3)
            rows = lastRow - firstRow
            rowOffset = firstRow
        }
        guard outHeight != height else {
            return RGBImage(uncheckedWidth: outWidth, height: outHeight, pixels: temporary)
        }
        let out = vertical.applyVertically(
            temporary, rows: rows, rowOffset: rowOffset,
            rowBytes: outWidth * 3)
        return RGBImage(uncheckedWidth: outWidth, height: outHeight, pixels: out)
    }
}

/// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for one axis.
struct FixedPointKernel {
    /// Pillow's `PRECISION_BITS`: 32 − 8 − 2.
    static let precision = 22

    var bounds: [(start: Int, count: Int)]
    /// `outSize × size` fixed-point weights.
    var weights: [Int32]
    var size: Int

    init(inSize: Int, outSize: Int, filter: ResampleFilter) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        size = Int(support.rounded(.up)) * 2 + 1
        bounds = []
        weights = [Int32](repeating: 0, count: outSize * size)
        var row = [Double](repeating: 0, count: size)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let ss = 1 / filterScale
            // C's (int) cast truncates toward zero, as Int(_:) does.
            let xmin = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inSize) - xmin
            var total = 0.0
            for x in 0..<count {
                row[x] = filter.weight((Double(x + xmin) - center + 0.5) * ss)
                total += row[x]
            }
            for x in 0..<count {
                let w = total != 0 ? row[x] / total : row[x]
                let scaled = w * Double(1 << Self.precision)
                weights[xx * size + x] = Int32(w < 0 ? -0.5 + scaled : 0.5 + scaled)
            }
            bounds.append((xmin, count))
        }
    }

    /// `(sum + 2^21) >> 22` clamped to a byte: Pillow's `clip8`.
    @inline(__always)
    static func clip(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(precision))
    }

    /// Filters along lines of `step`-byte pixels (the horizontal pass).
    func apply(
        _ source: [UInt8], lines: Int, firstLine: Int, lineStride: Int, step: Int,
        outLineStride: Int
    ) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: lines * outLineStride)
        source.withUnsafeBufferPointer { src in
            weights.withUnsafeBufferPointer { k in
                for line in 0..<lines {
                    let input = src.baseAddress! + (line + firstLine) * lineStride
                    for (xx, bound) in bounds.enumerated() {
                        var s0: Int32 = 1 << 21, s1: Int32 = 1 << 21, s2: Int32 = 1 << 21
                        for x in 0..<bound.count {
                            let w = k[xx * size + x]
                            let p = input + (bound.start + x) * step
                            s0 &+= Int32(p[0]) &* w
                            s1 &+= Int32(p[1]) &* w
                            s2 &+= Int32(p[2]) &* w
                        }
                        let o = line * outLineStride + xx * step
                        out[o] = Self.clip(s0)
                        out[o + 1] = Self.clip(s1)
                        out[o + 2] = Self.clip(s2)
                    }
                }
            }
        }
        return out
    }

    /// Filters down the columns (the vertical pass); `rowOffset` is the first source row present.
    func applyVertically(_ source: [UInt8], rows: Int, rowOffset: Int, rowBytes: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bounds.count * rowBytes)
        source.withUnsafeBufferPointer { src in
            weights.withUnsafeBufferPointer { k in
                for (yy, bound) in bounds.enumerated() {
                    for byte in 0..<rowBytes {
                        var sum: Int32 = 1 << 21
                        for y in 0..<bound.count {
                            sum &+=
                                Int32(src[(bound.start - rowOffset + y) * rowBytes + byte])
                                &* k[yy * size + y]
                        }
                        out[yy * rowBytes + byte] = Self.clip(sum)
                    }
                }
            }
        }
        return out
    }
}
