import Media
import Testing

/// Audio against soundfile (libsndfile files) and PyAV (container tracks), and resampling against
/// scipy's polyphase resampler (scripts/reference/media.py).
@Suite struct AudioDecodeTests {
    static let soundFiles = ["int16.wav", "float32.wav", "u8.wav", "pcm24.flac", "vorbis.ogg"]

    @Test(arguments: soundFiles)
    func nativeRateMatchesSoundfile(name: String) throws {
        let entry = Fixtures.entry(name)
        let reference = try SafeTensors("\(name).audio.safetensors")
        let clip = try Audio.read(Fixtures.path(name))
        #expect(clip.samples.shape == reference.shape("samples"))
        #expect(clip.rate == entry["rate"] as? Int)
        #expect(maxAbsoluteDifference(clip.samples.scalars, reference.floats("samples")) <= 1e-6)
    }

    @Test(arguments: soundFiles)
    func timeRangeMatchesSoundfile(name: String) throws {
        let range = Fixtures.entry(name)["range"] as! [Double]
        let reference = try SafeTensors("\(name).audio.safetensors")
        let clip = try Audio.read(Fixtures.path(name), options: AudioOptions(start: range[0], stop: range[1]))
        #expect(clip.samples.shape == reference.shape("range"))
        #expect(maxAbsoluteDifference(clip.samples.scalars, reference.floats("range")) <= 1e-6)
    }

    /// PCM tracks in Matroska and QuickTime are exact; AAC differs between FFmpeg versions
    /// (PyAV bundles a newer one) only by float rounding inside the decoder.
    @Test(arguments: [("mjpeg.mkv", Float(1e-6)), ("bt709.mov", 1e-6), ("h264_bframes.mp4", 1e-4)])
    func containerTrackMatchesPyAV(name: String, tolerance: Float) throws {
        let entry = Fixtures.entry(name)["audio"] as! [String: Any]
        let reference = try SafeTensors("\(name).audio.safetensors")
        let clip = try Audio.read(Fixtures.path(name))
        let channels = entry["channels"] as! Int
        #expect(clip.rate == entry["rate"] as? Int)
        #expect(clip.samples.shape == [channels, entry["count"] as! Int])
        let n = reference.shape("samples")[1]
        let expected = reference.floats("samples")
        let scalars = clip.samples.scalars
        for c in 0..<channels {
            let ours = Array(scalars[c * clip.count..<c * clip.count + n])
            let theirs = Array(expected[c * n..<(c + 1) * n])
            #expect(maxAbsoluteDifference(ours, theirs) <= tolerance, "\(name) channel \(c)")
        }
    }

    /// A range of a container track, read by seeking, equals that slice of the whole track (AAC
    /// to within the decoder's float noise: its state after a seek converges, it is not replayed).
    @Test(arguments: [("h264_bframes.mp4", Float(1e-4)), ("bt709.mov", 1e-6), ("mjpeg.mkv", 1e-6)])
    func containerRangeIsASliceOfTheWhole(name: String, tolerance: Float) throws {
        let whole = try Audio.read(Fixtures.path(name))
        let part = try Audio.read(Fixtures.path(name), options: AudioOptions(start: 0.55, stop: 0.8))
        let first = Int(0.55 * Double(whole.rate)), last = Int(0.8 * Double(whole.rate))
        #expect(part.samples.shape == [whole.samples.shape[0], last - first])
        let wholeScalars = whole.samples.scalars, partScalars = part.samples.scalars
        for c in 0..<whole.samples.shape[0] {
            let expected = Array(wholeScalars[c * whole.count + first..<c * whole.count + last])
            let got = Array(partScalars[c * part.count..<(c + 1) * part.count])
            #expect(maxAbsoluteDifference(got, expected) <= tolerance, "\(name) channel \(c)")
        }
    }

    @Test func monoIsTheChannelMean() throws {
        let stereo = try Audio.read(Fixtures.path("int16.wav"))
        let mono = try Audio.read(Fixtures.path("int16.wav"), options: AudioOptions(mono: true))
        #expect(mono.samples.shape == [stereo.count])
        let n = stereo.count
        let both = stereo.samples.scalars
        let mean = (0..<n).map { (both[$0] + both[n + $0]) / 2 }
        #expect(maxAbsoluteDifference(mono.samples.scalars, mean) <= 1e-7)
    }

    /// swresample and scipy's polyphase filter differ in their filters, not in the signal: the
    /// outputs have the reference's length and correlate almost perfectly.
    @Test(arguments: [("float32.wav", 22050), ("int16.wav", 16000)])
    func resamplingMatchesAReferenceResampler(name: String, rate: Int) throws {
        let reference = try SafeTensors("resample.safetensors")
        let expected = reference.floats(name)
        let shape = reference.shape(name)
        let clip = try Audio.read(Fixtures.path(name), options: AudioOptions(rate: rate))
        #expect(clip.rate == rate)
        #expect(clip.samples.shape == shape)
        let n = min(clip.count, shape[1])
        let scalars = clip.samples.scalars
        for c in 0..<shape[0] {
            let ours = scalars[c * clip.count..<c * clip.count + n].map(Double.init)
            let theirs = expected[c * shape[1]..<c * shape[1] + n].map(Double.init)
            #expect(correlation(ours, theirs) > 0.995, "\(name) channel \(c)")
        }
    }
}

/// Pearson correlation of two equally long series.
func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    var ab = 0.0, aa = 0.0, bb = 0.0
    for (x, y) in zip(a, b) {
        ab += (x - ma) * (y - mb)
        aa += (x - ma) * (x - ma)
        bb += (y - mb) * (y - mb)
    }
    return ab / (aa * bb).squareRoot()
}
