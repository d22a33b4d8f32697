import Foundation
import Media
import Testing

/// Frames and timestamps against PyAV's decode of the same files (scripts/reference/media.py).
@Suite struct VideoDecodeTests {
    static let videos = [
        "h264_bframes.mp4", "vp9.webm", "mjpeg.mkv", "bt709.mov",
        "odd_97x61.mp4", "vfr.mkv",
    ]

    @Test(arguments: videos)
    func framesAndTimesMatchPyAV(name: String) throws {
        let reference = try SafeTensors("\(name).video.safetensors")
        let clip = try Video.readRGB(Fixtures.path(name))
        let times = reference.doubles("times")
        #expect(clip.times.count == times.count)
        for (t, r) in zip(clip.times, times) { #expect(abs(t - r) < 1e-9, "\(name): \(t) vs \(r)") }
        let shape = reference.shape("frames")  // [K, H, W, 3]
        let pixels = reference.bytes("frames")
        let frameBytes = shape[1] * shape[2] * 3
        for (k, index) in reference.ints("indices").enumerated() {
            let frame = clip.frames[index]
            #expect(frame.width == shape[2] && frame.height == shape[1])
            let expected = pixels[k * frameBytes..<(k + 1) * frameBytes]
            let mad = meanAbsoluteDifference(frame.pixels, expected)
            #expect(mad <= 2, "\(name) frame \(index): mean |Δ| \(mad) levels")
        }
    }

    @Test(arguments: videos)
    func infoMatchesPyAV(name: String) throws {
        let entry = Fixtures.entry(name)
        let info = try MediaInfo(probing: Fixtures.path(name))
        let video = try #require(info.video)
        #expect(video.width == entry["width"] as? Int)
        #expect(video.height == entry["height"] as? Int)
        #expect(video.codec == entry["codec"] as? String)
        if let fps = entry["fps"] as? Double, name != "vfr.mkv" { #expect(abs(video.fps! - fps) < 1e-6) }
    }
}
