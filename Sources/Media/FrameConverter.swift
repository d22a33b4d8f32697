import CFFmpeg

/// Converts decoded frames to packed RGB24 at the output size with swscale — colour conversion,
/// chroma upsampling and resizing in one pass — into a buffer it owns and reuses.
///
/// The YUV→RGB matrix and range follow each frame's own tags (BT.601 when untagged), as PyAV's
/// `to_ndarray(format="rgb24")` does; swscale's default would ignore them.
final class FrameConverter {
    private var context: OpaquePointer?
    private var sourceKey: [Int32] = []
    private var colorKey: [Int32] = []
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Bytes per output row; a multiple of 64 so swscale's SIMD writers stay aligned.
    private(set) var stride = 0
    let path: String

    init(path: String) { self.path = path }

    deinit {
        sws_freeContext(context)
        buffer?.deallocate()
    }

    /// Converts `frame` to `width × height` RGB24; the result stays valid until the next call.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, width: Int, height: Int) throws
        -> UnsafePointer<UInt8>
    {
        let f = frame.pointee
        let key = [f.width, f.height, f.format, Int32(width), Int32(height)]
        if key != sourceKey {
            context = sws_getCachedContext(
                context, f.width, f.height, AVPixelFormat(f.format), Int32(width), Int32(height),
                AV_PIX_FMT_RGB24, SWS_BILINEAR, nil, nil, nil)
            guard context != nil else {
                throw MediaError.file(
                    path: path,
                    reason: "swscale cannot convert "
                        + "\(f.width)×\(f.height) \(pixelFormatName(f.format)) to \(width)×\(height) RGB")
            }
            sourceKey = key
            colorKey = []
            reserve(width: width, height: height)
        }
        try setColorDetails(for: frame)
        var destination: [UnsafeMutablePointer<UInt8>?] = [
            buffer!.assumingMemoryBound(to: UInt8.self), nil, nil, nil,
        ]
        var destinationStride: [Int32] = [Int32(stride), 0, 0, 0]
        let rows = withUnsafePointer(to: &frame.pointee.data) { data in
            withUnsafePointer(to: &frame.pointee.linesize) { linesize in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { planes in
                    linesize.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
                        sws_scale(
                            context, planes, strides, 0, f.height,
                            &destination, &destinationStride)
                    }
                }
            }
        }
        if rows < 0 { throw MediaError.file(path: path, reason: "swscale: \(ffmpegReason(rows))") }
        return UnsafePointer(buffer!.assumingMemoryBound(to: UInt8.self))
    }

    private func reserve(width: Int, height: Int) {
        stride = (width * 3 + 63) / 64 * 64
        let needed = stride * height + 64  // swscale may write a little past the last row
        if needed > capacity {
            buffer?.deallocate()
            buffer = UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64)
            capacity = needed
        }
    }

    /// Applies the frame's colour matrix and range when they differ from the last frame's.
    private func setColorDetails(for frame: UnsafeMutablePointer<AVFrame>) throws {
        let f = frame.pointee
        let fullRange = f.color_range == AVCOL_RANGE_JPEG || Self.jpegFormats.contains(f.format)
        let key = [Int32(f.colorspace.rawValue), fullRange ? 1 : 0]
        guard key != colorKey else { return }
        let coefficients = sws_getCoefficients(Self.swsColorspace(f.colorspace))
        // Brightness 0, contrast and saturation 1.0 in 16.16 fixed point: swscale's defaults.
        _ = sws_setColorspaceDetails(
            context, coefficients, fullRange ? 1 : 0,
            sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        colorKey = key
    }

    /// The deprecated `yuvj*` formats: full-range YUV whatever the frame's range tag says.
    private static let jpegFormats = Set(
        [
            AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P,
            AV_PIX_FMT_YUVJ411P,
        ].map { Int32($0.rawValue) })

    private static func swsColorspace(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        default: return SWS_CS_DEFAULT  // BT.601, swscale's and PyAV's choice for untagged video
        }
    }
}

func pixelFormatName(_ format: Int32) -> String {
    guard let name = av_get_pix_fmt_name(AVPixelFormat(format)) else { return "format \(format)" }
    return String(cString: name)
}
