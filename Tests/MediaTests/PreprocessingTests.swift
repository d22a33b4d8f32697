import Media
import Testing

/// Image processors and the Wav2Vec2 feature extractor against transformers' PIL backend
/// (scripts/reference/media.py).
@Suite struct PreprocessingTests {
    static let images = ["frame_160x90", "frame_97x61", "picture_333x250"]

    static func image(_ name: String, _ reference: SafeTensors) throws -> RGBImage {
        let shape = reference.shape("input/\(name)")  // [H, W, 3]
        return try RGBImage(width: shape[1], height: shape[0], pixels: reference.bytes("input/\(name)"))
    }

    static let processors: [String: ImageProcessor] = [
        "clip": ImageProcessor(
            size: .shortestEdge(56), filter: .bicubic, cropSize: (48, 48),
            normalization: .clip),
        "vit": ImageProcessor(size: .exact(height: 40, width: 52), filter: .bilinear, normalization: .half),
        "clip224": .clip,
    ]

    @Test(arguments: ["clip", "vit"], images)
    func imageProcessorMatchesTransformers(processor: String, image: String) throws {
        let reference = try SafeTensors("image_processors.safetensors")
        let out = try Self.processors[processor]!.process(Self.image(image, reference))
        let key = "\(processor)/\(image)"
        #expect(out.shape == reference.shape(key))
        #expect(maxAbsoluteDifference(out.scalars, reference.floats(key)) <= 1e-6, "\(key)")
    }

    @Test func clipAt224MatchesTransformers() throws {
        let reference = try SafeTensors("image_processors.safetensors")
        let out = try ImageProcessor.clip.process(Self.image("picture_333x250", reference))
        #expect(out.shape == [3, 224, 224])
        #expect(maxAbsoluteDifference(out.scalars, reference.floats("clip224/picture_333x250")) <= 1e-6)
    }

    @Test func batchOfFramesStacks() throws {
        let reference = try SafeTensors("image_processors.safetensors")
        let frame = try Self.image("frame_160x90", reference)
        let out = try Self.processors["vit"]!.process([frame, frame])
        #expect(out.shape == [2, 3, 40, 52])
        let half = out.scalars.count / 2
        let first = Array(out.scalars[..<half]), second = Array(out.scalars[half...])
        #expect(first == second)
    }

    @Test(arguments: [true, false])
    func featureExtractorMatchesTransformers(mask: Bool) throws {
        let reference = try SafeTensors("feature_extractor.safetensors")
        let a = reference.floats("input/a"), b = reference.floats("input/b")
        let fe = Wav2Vec2FeatureExtractor(returnAttentionMask: mask)
        let batch = try fe.process([a, b])
        let key = "mask\(mask ? 1 : 0)"
        #expect(batch.inputValues.shape == reference.shape("\(key)/input_values"))
        #expect(maxAbsoluteDifference(batch.inputValues.scalars, reference.floats("\(key)/input_values")) <= 1e-4)
        if mask {
            #expect(
                batch.attentionMask?.toArray(of: Int64.self).map(Int.init) == reference.ints("mask1/attention_mask"))
        } else {
            #expect(batch.attentionMask == nil)
        }
        let single = try fe.process([a], padding: .none)
        #expect(maxAbsoluteDifference(single.inputValues.scalars, reference.floats("\(key)/single")) <= 1e-4)
    }

    @Test func featureExtractorRejectsOtherRates() {
        #expect(throws: MediaError.self) {
            try Wav2Vec2FeatureExtractor().process([[0, 1, 2]], rate: 8000)
        }
    }
}
