import Datasets
import Foundation
import Media
import TensorCore
import TestSupport

/// The committed sample dataset (examples/data) and scratch files for the tests.
enum SampleData {
    static let manifest = Fixtures.root + "/examples/data/manifest.jsonl"
    static let clips = Fixtures.root + "/examples/data/clips"

    /// Small, fast decode options: 2 frames at 32×32, CLIP-normalized.
    static let options = DecodeOptions(
        video: VideoOptions(
            selection: .count(2), resize: .shortestEdge(32), centerCrop: true, normalization: .clip, threads: 1))

    /// The sample dataset with the small options.
    static func dataset() throws -> ManifestDataset {
        ManifestDataset(manifest: try Manifest(path: manifest), options: options)
    }
}

/// Writes `text` to `name` in `directory` and returns the path.
@discardableResult
func write(_ text: String, to name: String, in directory: String) throws -> String {
    let path = directory + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// The float32 elements of a tensor.
func floats(_ t: Tensor) throws -> [Float] {
    try t.contiguous().withUnsafeBufferPointer(as: Float.self) { Array($0) }
}

/// The int64 elements of a tensor.
func ints(_ t: Tensor) throws -> [Int64] {
    try t.contiguous().withUnsafeBufferPointer(as: Int64.self) { Array($0) }
}

/// The error `body` throws, or nil.
func thrownError(_ body: () throws -> Void) -> (any Error)? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Runs `body` holding the test process's interrupt lock. Ctrl-C is one flag for the process,
/// and decoding and loading poll it, so tests that decode must not overlap a test that raises it.
func serialized<R>(_ body: () throws -> R) rethrows -> R {
    try InterruptLock.shared.withLock(body)
}
