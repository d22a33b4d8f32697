import TensorCore

/// Decoded video frames as float32 `[T, 3, H, W]`, channel-first.
public struct VideoClip: Sendable {
    /// `[T, 3, H, W]` in 0...1, or normalized when ``VideoOptions/normalization`` is set.
    public var frames: Tensor
    /// Each frame's presentation time in seconds, from the stream's own timestamps.
    public var times: [Double]
    /// The file's container and stream information.
    public var info: MediaInfo
}

/// Decoded video frames as 8-bit RGB images (the input of ``ImageProcessor``).
public struct RGBClip: Sendable {
    /// The frames in presentation order.
    public var frames: [RGBImage]
    /// Each frame's presentation time in seconds.
    public var times: [Double]
    /// The file's container and stream information.
    public var info: MediaInfo
}

/// Video decoding through libavformat/libavcodec/libswscale.
///
/// ```swift
/// let clip = try Video.read("screen.mp4", options: VideoOptions(
///     selection: .count(8), resize: .shortestEdge(224), centerCrop: true, normalization: .clip))
/// clip.frames.shape   // [8, 3, 224, 224]
/// ```
public enum Video {
    /// Decodes the frames `options` select as float32 `[T, 3, H, W]`.
    ///
    /// Values are `byte / 255`, then `(x − mean) / std` when ``VideoOptions/normalization`` is set.
    /// - Throws: ``MediaError`` naming the file and FFmpeg's reason; `TensorError.interrupted`
    ///   when ``Interrupt`` is raised during decoding.
    public static func read(_ path: String, options: VideoOptions = VideoOptions()) throws -> VideoClip {
        let clip = try readRGB(path, options: options)
        return VideoClip(
            frames: try floatFrames(clip.frames, normalization: options.normalization),
            times: clip.times, info: clip.info)
    }

    /// Decodes the frames `options` select as RGB images; ``VideoOptions/normalization`` is
    /// ignored (it applies to float output only).
    public static func readRGB(_ path: String, options: VideoOptions = VideoOptions()) throws -> RGBClip {
        var frames: [RGBImage] = []
        var times: [Double] = []
        let info = try forEachFrame(path, options: options) { image, time in
            frames.append(image)
            times.append(time)
        }
        return RGBClip(frames: frames, times: times, info: info)
    }

    /// Decodes the frames `options` select one at a time, handing each to `body` with its time
    /// and keeping none — for clips too long to hold decoded. Returns the file's info.
    @discardableResult
    public static func forEachFrame(
        _ path: String, options: VideoOptions = VideoOptions(),
        _ body: (RGBImage, Double) throws -> Void
    ) throws -> MediaInfo {
        try VideoDecoder(path: path, options: options).run { rgb, stride, g, time, copies in
            let rowBytes = g.width * 3
            // Every byte is written below, so the array is not zero-filled first.
            let pixels = [UInt8](unsafeUninitializedCapacity: rowBytes * g.height) { out, count in
                for y in 0..<g.height {
                    let row = rgb + (g.top + y) * stride + g.left * 3
                    (out.baseAddress! + y * rowBytes).initialize(from: row, count: rowBytes)
                }
                count = rowBytes * g.height
            }
            let image = RGBImage(uncheckedWidth: g.width, height: g.height, pixels: pixels)
            for _ in 0..<copies { try body(image, time) }
        }.info
    }

    /// Equally sized RGB images as float32 `[T, 3, H, W]`: `byte / 255`, then normalized.
    public static func floatFrames(_ images: [RGBImage], normalization: Normalization?) throws -> Tensor {
        try floatFrames(
            images,
            tables: (0..<3).map { c in
                (0..<256).map { b in
                    let x = Float(b) / 255
                    return normalization.map { (x - $0.mean[c]) / $0.std[c] } ?? x
                }
            })
    }

    /// Converts bytes to floats through one 256-entry table per channel — an exact value for the
    /// cost of a load — de-interleaving into planes in the same pass.
    static func floatFrames(_ images: [RGBImage], tables: [[Float]]) throws -> Tensor {
        let (h, w) = (images.first?.height ?? 0, images.first?.width ?? 0)
        guard images.allSatisfy({ $0.width == w && $0.height == h }) else {
            throw MediaError.invalidArgument("frames of different sizes cannot form one tensor")
        }
        let tensor = Tensor.zeros([images.count, 3, h, w])
        let plane = h * w
        try tensor.withUnsafeMutableFloats { out in
            tables[0].withUnsafeBufferPointer { r in
                tables[1].withUnsafeBufferPointer { g in
                    tables[2].withUnsafeBufferPointer { b in
                        for (t, image) in images.enumerated() {
                            let o = out.baseAddress! + t * 3 * plane
                            image.pixels.withUnsafeBufferPointer { px in
                                for p in 0..<plane {
                                    o[p] = r[Int(px[3 * p])]
                                    o[plane + p] = g[Int(px[3 * p + 1])]
                                    o[2 * plane + p] = b[Int(px[3 * p + 2])]
                                }
                            }
                        }
                    }
                }
            }
        }
        return tensor
    }
}
