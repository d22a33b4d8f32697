/// Decoded video frames as float32 `[T, 3, H, W]` in 0...1 (or normalized), channel-first.
public struct VideoClip: Sendable {
    /// `[T, 3, H, W]`.
    public var shape: [Int]
    /// The frames, contiguous in `shape` order.
    public var scalars: [Float]
    /// Each frame's presentation time in seconds, from the stream's own timestamps.
    public var times: [Double]
    /// The file's container and stream information.
    public var info: MediaInfo
}

/// Decoded video frames as 8-bit RGB images (the input of ``ImageProcessor``).
public struct RGBClip: Sendable {
    public var frames: [RGBImage]
    /// Each frame's presentation time in seconds.
    public var times: [Double]
    public var info: MediaInfo
}

/// Video decoding through libavformat/libavcodec/libswscale.
///
/// ```swift
/// let clip = try Video.read("screen.mp4", options: VideoOptions(
///     selection: .count(8), resize: .shortestEdge(224), centerCrop: true, normalization: .clip))
/// clip.shape   // [8, 3, 224, 224]
/// ```
public enum Video {
    /// Decodes the frames `options` select as float32 `[T, 3, H, W]`.
    ///
    /// Values are `byte / 255`, then `(x − mean) / std` when ``VideoOptions/normalization`` is set.
    /// - Throws: ``MediaError`` naming the file and FFmpeg's reason; `TensorError.interrupted`
    ///   when ``Interrupt`` is raised during decoding.
    public static func read(_ path: String, options: VideoOptions = VideoOptions()) throws
        -> VideoClip
    {
        let decoder = VideoDecoder(path: path, options: options)
        var tables: [[Float]] = []
        var scalars: [Float] = []
        let result = try decoder.run { rgb, stride, g, copies in
            if tables.isEmpty {
                tables = ByteTables.make(options.normalization)
                scalars.reserveCapacity(g.width * g.height * 3 * 16)
            }
            let first = scalars.count
            let plane = g.width * g.height
            scalars.append(contentsOf: repeatElement(0, count: plane * 3))
            scalars.withUnsafeMutableBufferPointer { out in
                ByteTables.planar(rgb: rgb, stride: stride, geometry: g, tables: tables,
                                  into: out.baseAddress! + first)
            }
            for _ in 1..<max(copies, 1) { scalars.append(contentsOf: scalars[first..<first + plane * 3]) }
        }
        let g = result.geometry
        return VideoClip(shape: [result.times.count, 3, g.height, g.width], scalars: scalars,
                         times: result.times, info: result.info)
    }

    /// Decodes the frames `options` select as RGB images; ``VideoOptions/normalization`` is
    /// ignored (it applies to float output only).
    public static func readRGB(_ path: String, options: VideoOptions = VideoOptions()) throws
        -> RGBClip
    {
        let decoder = VideoDecoder(path: path, options: options)
        var frames: [RGBImage] = []
        let result = try decoder.run { rgb, stride, g, copies in
            var pixels = [UInt8](repeating: 0, count: g.width * g.height * 3)
            pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<g.height {
                    let row = rgb + (g.top + y) * stride + g.left * 3
                    (out.baseAddress! + y * g.width * 3).update(from: row, count: g.width * 3)
                }
            }
            let image = RGBImage(uncheckedWidth: g.width, height: g.height, pixels: pixels)
            frames += repeatElement(image, count: copies)
        }
        return RGBClip(frames: frames, times: result.times, info: result.info)
    }
}

/// Byte → float conversion through one 256-entry table per channel: exact `(b/255 − mean)/std`
/// at the cost of a load, and the de-interleave into planes in the same pass.
enum ByteTables {
    static func make(_ normalization: Normalization?) -> [[Float]] {
        (0..<3).map { c in
            (0..<256).map { b in
                let x = Float(b) / 255
                guard let n = normalization else { return x }
                return (x - n.mean[c]) / n.std[c]
            }
        }
    }

    /// Writes the crop window of packed RGB24 rows as three float planes at `out`.
    static func planar(rgb: UnsafePointer<UInt8>, stride: Int, geometry g: VideoDecoder.Geometry,
                       tables: [[Float]], into out: UnsafeMutablePointer<Float>) {
        let plane = g.width * g.height
        tables[0].withUnsafeBufferPointer { r in
            tables[1].withUnsafeBufferPointer { gr in
                tables[2].withUnsafeBufferPointer { b in
                    for y in 0..<g.height {
                        let row = rgb + (g.top + y) * stride + g.left * 3
                        let o = out + y * g.width
                        for x in 0..<g.width {
                            o[x] = r[Int(row[3 * x])]
                            o[plane + x] = gr[Int(row[3 * x + 1])]
                            o[2 * plane + x] = b[Int(row[3 * x + 2])]
                        }
                    }
                }
            }
        }
    }
}
