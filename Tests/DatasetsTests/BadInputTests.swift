import Datasets
import Foundation
import TensorCore
import Testing
import TestSupport

/// Unreadable media: each an error naming the manifest line, the file and the library's reason;
/// skipped and counted under `on_error = skip`. Broken files are made here from a good clip.
@Suite struct BadInputTests {
    /// File name, manifest row, and a piece of the reason FFmpeg or libsndfile gives.
    static let cases: [(file: String, row: String, reason: String)] = [
        ("missing.mp4", #""video": "missing.mp4""#, "No such file or directory"),
        ("empty.mp4", #""video": "empty.mp4""#, "Invalid data found when processing input"),
        ("text.mp4", #""video": "text.mp4""#, "Invalid data found when processing input"),
        ("random.mp4", #""video": "random.mp4""#, "Invalid data found when processing input"),
        ("truncated.mp4", #""video": "truncated.mp4""#, "partial file"),
        ("random.wav", #""video": "good.mp4", "audio": "random.wav""#, "libsndfile"),
    ]

    /// A folder with the broken files, a good clip, and a manifest whose odd lines are good.
    static let manifest: String = {
        let dir = try! Fixtures.temporaryDirectory("datasets-bad")
        let clip = try! Data(contentsOf: URL(fileURLWithPath: SampleData.clips + "/calculator_00.mp4"))
        func put(_ name: String, _ data: Data) { try! data.write(to: URL(fileURLWithPath: dir + "/" + name)) }
        put("good.mp4", clip)
        put("empty.mp4", Data())
        put("text.mp4", Data("this is a text file, not a video\n".utf8))
        // Seeded, so the bytes (and the reason FFmpeg gives for them) are the same every run.
        let generator = RandomGenerator(seed: 5)
        put("random.mp4", Data((0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        put("random.wav", Data((0..<4_096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        put("truncated.mp4", clip.prefix(clip.count * 2 / 5))
        let rows = cases.flatMap { [#"{"video": "good.mp4", "label": "ok"}"#, "{\($0.row), \"label\": \"bad\"}"] }
        return try! write(rows.joined(separator: "\n") + "\n", to: "manifest.jsonl", in: dir)
    }()

    static func dataset() throws -> ManifestDataset {
        ManifestDataset(manifest: try Manifest(path: manifest), options: SampleData.options)
    }

    @Test(arguments: cases.indices)
    func errorNamesLineFileAndReason(index: Int) throws {
        try serialized {
            let ds = try Self.dataset()
            let error = try #require(thrownError { _ = try ds.sample(at: 2 * index + 1) } as? DatasetError)
            let folder = (Self.manifest as NSString).deletingLastPathComponent
            #expect(error.line == 2 * index + 2)
            #expect("\(error)".hasPrefix("\(Self.manifest):\(2 * index + 2): \(folder)/\(Self.cases[index].file)"))
            #expect("\(error)".contains(Self.cases[index].reason))
            #expect(try ds.sample(at: 2 * index).pixelValues != nil)
        }
    }

    @Test(arguments: [0, 2])
    func skipCountsEveryBadFile(workers: Int) throws {
        try serialized {
            let loader = try DataLoader(
                try Self.dataset(), options: LoaderOptions(batchSize: 4, workers: workers, onError: .skip))
            let epoch = try loader.makeEpoch()
            var count = 0
            while let batch = try epoch.next() {
                count += batch.count
                #expect(try ints(#require(batch.labels)).allSatisfy { $0 == 1 })  // "ok" sorts after "bad"
            }
            #expect(count == Self.cases.count)
            #expect(epoch.skipped.compactMap { ($0 as? DatasetError)?.line } == Self.cases.indices.map { 2 * $0 + 2 })
        }
    }
}
