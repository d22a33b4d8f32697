import Media
import Testing

/// Frame selection by count, rate and time range, checked against PyAV's frame times: the
/// expected frame for each target time is found here by brute force over all reference times.
@Suite struct FrameSelectionTests {
    /// Index of the reference frame nearest to `t` among `candidates` (the earlier on a tie).
    func nearest(_ t: Double, in times: [Double], candidates: Range<Int>) -> Int {
        candidates.min {
            abs(times[$0] - t) < abs(times[$1] - t)
                || (abs(times[$0] - t) == abs(times[$1] - t) && $0 < $1)
        }!
    }

    @Test(arguments: [("h264_bframes.mp4", 8), ("vp9.webm", 5), ("vfr.mkv", 7), ("mjpeg.mkv", 16)])
    func countPicksFramesNearestToEvenlySpacedTimes(name: String, n: Int) throws {
        let times = try SafeTensors("\(name).video.safetensors").doubles("times")
        let clip = try Video.readRGB(Fixtures.path(name), options: VideoOptions(selection: .count(n)))
        let stream = try #require(clip.info.video)
        let start = stream.startTime ?? 0
        let duration = try #require(stream.duration ?? clip.info.duration)
        let expected = (0..<n).map { i in
            times[
                nearest(
                    start + (Double(i) + 0.5) * duration / Double(n), in: times,
                    candidates: times.indices)]
        }
        #expect(clip.times == expected)
        #expect(clip.frames.count == n)
    }

    @Test(arguments: [("h264_bframes.mp4", 7.0), ("vfr.mkv", 12.0), ("bt709.mov", 5.5)])
    func rateKeepsTheFrameNearestToEachTick(name: String, fps: Double) throws {
        let times = try SafeTensors("\(name).video.safetensors").doubles("times")
        let clip = try Video.readRGB(Fixtures.path(name), options: VideoOptions(selection: .rate(fps)))
        let stream = try #require(clip.info.video)
        let end = (stream.startTime ?? 0) + (stream.duration ?? clip.info.duration!)
        let ticks = stride(from: stream.startTime ?? 0, to: end, by: 1 / fps)
        #expect(clip.times == ticks.map { times[nearest($0, in: times, candidates: times.indices)] })
    }

    /// A range starting between keyframes: decoding seeks to the keyframe before it, and the
    /// frames are exactly those of a decode from the beginning.
    /// 0.45 s and 0.48 s lie between the decode and presentation times of the MP4 keyframe at
    /// 0.5 s; the frame shown at 0.467 s is decoded before it. In the AVI, whose index holds
    /// decode times, a seek to 0.5 s lands on a keyframe whose first frame is shown at 0.567 s,
    /// and decoding must go back further.
    @Test(arguments: [
        ("h264_bframes.mp4", 1.1, 1.6), ("h264_bframes.mp4", 0.45, 0.6),
        ("h264_bframes.mp4", 0.48, 0.6), ("h264_bframes.avi", 0.5, 0.8),
        ("h264_bframes.avi", 0.52, 0.8), ("vp9.webm", 0.93, 1.5),
        ("vfr.mkv", 0.7, 1.4), ("vfr.mkv", 0.62, 0.9),
    ])
    func rangeAfterSeekEqualsFullDecode(name: String, start: Double, stop: Double) throws {
        let whole = try Video.readRGB(Fixtures.path(name))
        let part = try Video.readRGB(Fixtures.path(name), options: VideoOptions(start: start, stop: stop))
        let inRange = whole.times.indices.filter { whole.times[$0] >= start && whole.times[$0] < stop }
        #expect(part.times == inRange.map { whole.times[$0] })
        #expect(part.frames == inRange.map { whole.frames[$0] })
    }

    @Test func countWithinARange() throws {
        let path = Fixtures.path("h264_bframes.mp4")
        let whole = try Video.readRGB(path)
        let clip = try Video.readRGB(path, options: VideoOptions(selection: .count(4), start: 0.5, stop: 1.5))
        let expected = (0..<4).map { i in
            whole.times[
                nearest(
                    0.5 + (Double(i) + 0.5) * 0.25, in: whole.times,
                    candidates: whole.times.indices)]
        }
        #expect(clip.times == expected)
    }

    @Test func moreFramesThanTheClipHasRepeatsFrames() throws {
        let clip = try Video.readRGB(Fixtures.path("mjpeg.mkv"), options: VideoOptions(selection: .count(25)))
        #expect(clip.frames.count == 25)
        #expect(Set(clip.times).count == 10)
    }
}
