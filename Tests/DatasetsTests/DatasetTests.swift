import Datasets
import Foundation
import Media
import TensorCore
import Testing
import TestSupport

/// Samples decoded from the committed dataset; split, map.
@Suite struct DatasetTests {
    @Test func sampleFromTheVideosOwnTrack() throws {
        try serialized {
            let ds = try SampleData.dataset()
            #expect(ds.count == 200)
            #expect(ds.classes == ["calculator", "clock", "eyes", "notes", "terminal"])
            let sample = try ds.sample(at: 0)
            #expect(sample.pixelValues?.shape == [2, 3, 32, 32])
            #expect(sample.label == 1 && sample.text == "open the clock please" && sample.id == "clips/clock_00.mp4")
            let voice = try floats(#require(sample.inputValues))
            #expect(voice.count == 48_000)  // 3 s at 16 kHz
            // Wav2Vec2 normalization: zero mean, unit variance.
            let mean = voice.reduce(0, +) / Float(voice.count)
            let variance = voice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(voice.count)
            #expect(abs(mean) < 1e-3 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func sampleWithSeparateAudioMatchesMedia() throws {
        try serialized {
            let ds = try SampleData.dataset()
            let sample = try ds.sample(at: 3)  // clips/terminal_00.mp4 + clips/terminal_00.wav
            #expect(sample.label == 4)
            let wav = try Audio.read(
                SampleData.clips + "/terminal_00.wav", options: AudioOptions(rate: 16_000, mono: true, stop: 3))
            let expected = try Wav2Vec2FeatureExtractor(returnAttentionMask: true)
                .process([floats(wav.samples)], padding: .none).inputValues
            #expect(try floats(#require(sample.inputValues)) == floats(expected))
            let video = try Video.read(
                SampleData.clips + "/terminal_00.mp4",
                options: {
                    var o = SampleData.options.video
                    o.start = 0
                    o.stop = 3
                    return o
                }())
            #expect(try floats(#require(sample.pixelValues)) == floats(video.frames))
        }
    }

    @Test func videoWithoutAudioTrackGivesNoInputValues() throws {
        try serialized {
            // terminal_00.mp4 has no audio track of its own (its voice is the separate wav).
            let manifest = try Manifest(
                entries: [ManifestEntry(line: 1, video: "terminal_00.mp4", stop: 1)],
                directory: SampleData.clips)
            let sample = try ManifestDataset(manifest: manifest, options: SampleData.options).sample(at: 0)
            #expect(sample.inputValues == nil && sample.pixelValues != nil && sample.label == nil)
        }
    }

    @Test func audioOnlyRowAndRawAudio() throws {
        try serialized {
            let manifest = try Manifest(
                entries: [ManifestEntry(line: 1, video: nil, audio: "terminal_00.wav", start: 1, stop: 1.5)],
                directory: SampleData.clips)
            var options = SampleData.options
            options.normalizeAudio = false
            options.audioRate = 8_000
            let sample = try ManifestDataset(manifest: manifest, options: options).sample(at: 0)
            #expect(sample.pixelValues == nil && sample.inputValues?.shape == [4_000])
            #expect(sample.id == "terminal_00.wav")
        }
    }

    @Test func indexOutOfRange() throws {
        try serialized {
            let ds = try SampleData.dataset()
            #expect("\(thrownError { _ = try ds.sample(at: 200) }!)" == "sample index 200 is out of range 0..<200")
            #expect(ds.label(at: 200) == nil && ds.label(at: -1) == nil)
        }
    }

    @Test func stratifiedSplit() throws {
        try serialized {
            let ds = try SampleData.dataset()
            let (train, val) = try ds.split(fraction: 0.8, seed: 7)
            #expect(train.count == 160 && val.count == 40)
            #expect(Set(train.indices).isDisjoint(with: val.indices))
            #expect(Set(train.indices + val.indices) == Set(0..<200))
            #expect(train.indices == train.indices.sorted())
            for k in 0..<5 {
                #expect((0..<val.count).filter { val.label(at: $0) == k }.count == 8)
            }
            let (again, _) = try ds.split(fraction: 0.8, seed: 7)
            let (other, _) = try ds.split(fraction: 0.8, seed: 8)
            #expect(again.indices == train.indices && other.indices != train.indices)
            let sample = try val.sample(at: 0)
            #expect(sample.id == ds.manifest.entries[val.indices[0]].id)
            // A split of a split indexes through both.
            let (inner, _) = try val.split(fraction: 0.125, seed: 1)
            #expect(inner.count == 5 && Set((0..<5).map { inner.label(at: $0)! }) == Set(0..<5))
        }
    }

    @Test func plainSplitAndBadFraction() throws {
        try serialized {
            let ds = try SampleData.dataset()
            let (a, b) = try ds.split(fraction: 0.3, seed: 3, stratified: false)
            #expect(a.count == 60 && b.count == 140)
            #expect(
                "\(thrownError { _ = try ds.split(fraction: 1.5, seed: 0) }!)".contains("fraction must be in [0, 1]"))
        }
    }

    @Test func mapTransformsEachSample() throws {
        try serialized {
            let ds = try SampleData.dataset().map { sample in
                var sample = sample
                sample.text = sample.text?.uppercased()
                sample.extras["first_frame"] = try sample.pixelValues!.select(axis: 0, index: 0)
                return sample
            }
            let sample = try ds.sample(at: 1)
            #expect(
                sample.text == "SHOW ME THE EYES THAT FOLLOW THE MOUSE"
                    && sample.extras["first_frame"]?.shape == [3, 32, 32])
            #expect(ds.count == 200 && ds.classes.count == 5 && ds.label(at: 1) == 2)
        }
    }
}
