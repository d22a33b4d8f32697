import Foundation
import Media
import Testing

/// Files that cannot be read raise a ``MediaError`` naming the file and the library's reason —
/// never a crash, a hang or a silent empty result.
@Suite struct BadInputTests {
    /// A scratch directory with one bad file of each kind.
    static let directory: URL = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ember-media-bad-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ data: Data) {
            try! data.write(to: dir.appendingPathComponent(name))
        }
        write("empty.mp4", Data())
        write("text.mp4", Data("this is a text file, not a video\n".utf8))
        var generator = SystemRandomNumberGenerator()
        write("random.mp4", Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        write("random.wav", Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        // The sample set's clips are faststart MP4s: cut, they keep their index but lose data.
        let faststart = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/data/clips/calculator_00.mp4")
        for source in ["h264_bframes.mp4", "vp9.webm", "int16.wav", "pcm24.flac"].map(Fixtures.path)
            + [faststart.path]
        {
            let whole = try! Data(contentsOf: URL(fileURLWithPath: source))
            write("truncated-" + (source as NSString).lastPathComponent, whole.prefix(whole.count * 2 / 5))
        }
        return dir
    }()

    static let names = [
        "missing.mp4", "empty.mp4", "text.mp4", "random.mp4", "random.wav",
        "truncated-h264_bframes.mp4", "truncated-vp9.webm",
        "truncated-calculator_00.mp4",
    ]

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func expectFileError(_ name: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(name): no error")
        } catch let error as MediaError {
            guard case .file(let path, let reason) = error else {
                Issue.record("\(name): \(error)")
                return
            }
            #expect(path == Self.path(name))
            #expect(!reason.isEmpty)
            #expect(error.description.contains(name))
        } catch {
            Issue.record("\(name): unexpected \(error)")
        }
    }

    @Test(arguments: names)
    func videoDecodeFails(name: String) {
        expectFileError(name) { _ = try Video.read(Self.path(name)) }
    }

    @Test(arguments: names + ["truncated-int16.wav", "truncated-pcm24.flac"])
    func audioDecodeFails(name: String) {
        expectFileError(name) { _ = try Audio.read(Self.path(name)) }
    }

    @Test(arguments: ["missing.mp4", "empty.mp4", "text.mp4"])
    func probeFails(name: String) {
        expectFileError(name) { _ = try MediaInfo(probing: Self.path(name)) }
    }

    @Test func reasonsComeFromTheLibraries() throws {
        do {
            _ = try Video.read(Self.path("missing.mp4"))
        } catch {
            #expect("\(error)".contains("No such file or directory"))
        }
        do {
            _ = try Audio.read(Self.path("text.mp4"))
        } catch {
            #expect("\(error)".contains("Invalid data found when processing input"))
        }
    }
}
