import CZlib
import TensorCore

/// A PNG encoder for 8-bit RGB and RGBA images (charts, contact sheets).
///
/// Each pixel row is filtered with the Sub or the Up filter, whichever leaves the smaller
/// differences, and the filtered rows are compressed by zlib (deflate at its default level);
/// chunk checksums are zlib's CRC-32. Files open in every viewer and FFmpeg's decoder gives back
/// the exact pixels (PlotTests check it).
public enum PNG {
    /// Encodes `pixels` (row-major, `channels` = 3 or 4 bytes per pixel) as PNG bytes.
    /// - Throws: ``TensorCore/TensorError/invalidArgument(_:)`` when the sizes disagree.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws -> [UInt8] {
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard channels == 3 || channels == 4, width > 0, height > 0, width <= Int(UInt32.max / 4),
            height <= Int(Int32.max), !overflow, pixels.count == count * channels
        else {
            throw TensorError.invalidArgument(
                "png: expected \(width)×\(height)×\(channels) bytes (3 or 4 channels), got \(pixels.count)")
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, channels == 4 ? 6 : 2, 0, 0, 0]  // depth 8, RGB(A), deflate, adaptive filters, no interlace
        chunk("IHDR", header, into: &out)
        chunk(
            "IDAT", try deflate(filtered(width: width, height: height, channels: channels, pixels: pixels)), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// The rows, each behind its filter-type byte (1: Sub, 2: Up).
    private static func filtered(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var sub = [UInt8](repeating: 0, count: stride), up = sub
        for y in 0..<height {
            let row = y * stride
            var subCost = 0, upCost = 0
            for i in 0..<stride {
                let x = pixels[row + i]
                sub[i] = x &- (i >= channels ? pixels[row + i - channels] : 0)
                up[i] = x &- (y > 0 ? pixels[row - stride + i] : 0)
                subCost += Int(Int8(bitPattern: sub[i]).magnitude)
                upCost += Int(Int8(bitPattern: up[i]).magnitude)
            }
            let out = y * (stride + 1)
            raw[out] = upCost < subCost ? 2 : 1
            raw.replaceSubrange((out + 1)..<(out + 1 + stride), with: upCost < subCost ? up : sub)
        }
        return raw
    }

    /// `data` in the zlib format (RFC 1950), as IDAT holds it.
    private static func deflate(_ data: [UInt8]) throws -> [UInt8] {
        var size = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&out, &size, data, uLong(data.count), Z_DEFAULT_COMPRESSION)
        guard status == Z_OK else {
            throw TensorError.invalidArgument("png: zlib could not compress \(data.count) bytes (status \(status))")
        }
        return Array(out.prefix(Int(size)))
    }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count)) + typeBytes + data
        let crc = crc32_z(crc32_z(0, typeBytes, typeBytes.count), data, data.count)
        out += bigEndian(UInt32(crc))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
