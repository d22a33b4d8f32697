import Media
import Testing

/// Float output, resizing, cropping and normalization.
@Suite struct VideoOutputTests {
    let path = Fixtures.path("bt709.mov")

    @Test func floatFramesAreBytesOver255ChannelFirst() throws {
        let rgb = try Video.readRGB(path, options: VideoOptions(selection: .count(3)))
        let clip = try Video.read(path, options: VideoOptions(selection: .count(3)))
        #expect(clip.frames.shape == [3, 3, 90, 160])
        #expect(clip.times == rgb.times)
        let plane = 90 * 160
        let scalars = clip.frames.scalars
        for t in 0..<3 {
            for c in 0..<3 {
                for p in stride(from: 0, to: plane, by: 37) {
                    let byte = rgb.frames[t].pixels[p * 3 + c]
                    #expect(scalars[(t * 3 + c) * plane + p] == Float(byte) / 255)
                }
            }
        }
    }

    @Test func shortestEdgeResizeThenCenterCrop() throws {
        let options = VideoOptions(selection: .count(2), resize: .shortestEdge(48), centerCrop: true)
        let clip = try Video.read(path, options: options)
        #expect(clip.frames.shape == [2, 3, 48, 48])
        // The crop is the middle of the 85×48 resize (floor(48·160/90) = 85): left (85−48)/2 = 18.
        let scaled = try Video.readRGB(
            path,
            options: VideoOptions(
                selection: .count(2),
                resize: .shortestEdge(48)))
        #expect(scaled.frames[0].width == 85 && scaled.frames[0].height == 48)
        let cropped = try Video.readRGB(path, options: options)
        #expect(cropped.frames[0] == (try scaled.frames[0].cropped(top: 0, left: 18, height: 48, width: 48)))
    }

    @Test func exactResizeIgnoresAspect() throws {
        let clip = try Video.read(
            path,
            options: VideoOptions(
                selection: .count(1),
                resize: .exact(height: 32, width: 40)))
        #expect(clip.frames.shape == [1, 3, 32, 40])
    }

    @Test(arguments: [("clip", Normalization.clip), ("imagenet", .imagenet)])
    func normalization(name: String, expected: Normalization) throws {
        #expect(Normalization(named: name) == expected)
        let rgb = try Video.readRGB(path, options: VideoOptions(selection: .count(1)))
        let clip = try Video.read(path, options: VideoOptions(selection: .count(1), normalization: expected))
        let plane = 90 * 160
        let scalars = clip.frames.scalars
        for c in 0..<3 {
            for p in stride(from: 0, to: plane, by: 53) {
                let x = Float(rgb.frames[0].pixels[p * 3 + c]) / 255
                let want = (x - expected.mean[c]) / expected.std[c]
                #expect(abs(scalars[c * plane + p] - want) <= 1e-6)
            }
        }
    }

    @Test func invalidOptionsAreRejected() {
        let cases: [VideoOptions] = [
            VideoOptions(selection: .count(0)), VideoOptions(selection: .rate(-1)),
            VideoOptions(start: -1), VideoOptions(start: 1, stop: 0.5),
            VideoOptions(resize: .shortestEdge(0)), VideoOptions(start: 50),
        ]
        for options in cases {
            #expect(throws: MediaError.self) { try Video.read(path, options: options) }
        }
    }
}
