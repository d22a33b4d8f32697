import Foundation
import Models
import Testing

/// Pickles that would run code are refused, naming what they call; damaged files give errors
/// naming the file.
@Suite(.serialized) struct CheckpointSafetyTests {
    /// The file the malicious fixtures would create (`touch`), per the reference script.
    static let marker = "/tmp/ember-pickle-ran-os-system"

    @Test(arguments: [
        ("evil-os-system.pt", "os.system"), ("evil-builtins-exec.pt", "builtins.exec"),
        ("evil-subprocess-call.pt", "subprocess.call"), ("evil-torch-floatstorage.pt", "torch.FloatStorage"),
        ("evil-numpy.pt", "multiarray._reconstruct"),
    ])
    func refusesCode(file: String, callable: String) throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let path = CheckpointFixture.path(file)
        let error = try #require(checkpointError { _ = try TorchCheckpoint.read(path: path) })
        #expect(error.path == path)
        #expect(error.description.contains(callable), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: Self.marker))
    }

    @Test(
        arguments: [
            ("truncated-zip.pt", nil, "end-of-central-directory"),
            ("garbled-zip.pt", nil, "central-directory entry"),
            ("truncated-pickle.pt", nil, "truncated"),
            ("truncated-legacy.pt", nil, "truncated"),
            ("missing-storage.pt", "f64", "missing"),
            ("short-storage.pt", "f32", "needs 60"),
            ("compressed.pt", nil, "compressed"),
            ("not-a-checkpoint.pt", nil, "not a PyTorch checkpoint"),
        ] as [(String, String?, String)])
    func reportsDamage(file: String, key: String?, words: String) throws {
        let path = CheckpointFixture.path(file)
        let error = try #require(checkpointError { _ = try TorchCheckpoint.read(path: path) })
        #expect(error.path == path)
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains(words), "\(error)")
    }

    @Test func missingFileNamesIt() throws {
        let path = CheckpointFixture.path("no-such-file.pt")
        let error = try #require(checkpointError { _ = try TorchCheckpoint.read(path: path) })
        #expect(error.description == "\(path): cannot open: No such file or directory")
    }
}
