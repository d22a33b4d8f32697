import Foundation
import Models
import TensorCore
import Testing

/// Hugging Face folders of one tiny BertModel in every layout load to its safetensors twin.
@Suite struct CheckpointFolderTests {
    @Test(arguments: [
        ("folder-bin", ["pytorch_model.bin"]),
        ("folder-legacy-bin", ["pytorch_model.bin"]),
        ("folder-pt", ["model_step_100.pt"]),
        ("folder-sharded-safetensors", (1...3).map { "model-0000\($0)-of-00003.safetensors" }),
        ("folder-sharded-bin", (1...3).map { "pytorch_model-0000\($0)-of-00003.bin" }),
    ])
    func loadsFolder(folder: String, files: [String]) throws {
        let weights = try ModelWeights.load(directory: CheckpointFixture.path(folder))
        let expected = try SafeTensors.load(path: CheckpointFixture.path("bert.safetensors"))
        #expect(differences(weights.tensors, expected) == [])
        #expect(weights.files == files.map { CheckpointFixture.path(folder + "/" + $0) })
        #expect(Set(weights.sources.keys) == Set(weights.tensors.keys))
    }

    @Test func prefersSafeTensorsOverBin() throws {
        let folder = try temporaryFolder(copying: [
            ("bert.safetensors", "model.safetensors"), ("zip.pt", "pytorch_model.bin"),
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let weights = try ModelWeights.load(directory: folder)
        #expect(weights.files == [folder + "/model.safetensors"])
    }

    @Test func refusesAmbiguousOrEmptyFolders() throws {
        let two = try temporaryFolder(copying: [("zip.pt", "a.pt"), ("legacy.pt", "b.pt")])
        defer { try? FileManager.default.removeItem(atPath: two) }
        let error = try #require(checkpointError { _ = try ModelWeights.load(directory: two) })
        #expect(error.path == two)
        #expect(error.description.contains("found a.pt, b.pt"), "\(error)")

        let none = try temporaryFolder(copying: [])
        defer { try? FileManager.default.removeItem(atPath: none) }
        let empty = try #require(checkpointError { _ = try ModelWeights.load(directory: none) })
        #expect(empty.description.contains("found none"), "\(empty)")
    }

    @Test func shardIndexNamingAMissingTensorNamesIt() throws {
        let folder = try temporaryFolder(copying: [("zip.pt", "pytorch_model-00001-of-00001.bin")])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let index = folder + "/pytorch_model.bin.index.json"
        try Data(
            #"{"weight_map": {"f32": "pytorch_model-00001-of-00001.bin", "nope": "pytorch_model-00001-of-00001.bin"}}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: index))
        let error = try #require(checkpointError { _ = try ModelWeights.load(directory: folder) })
        #expect(error.path == index)
        #expect(error.key == "nope")
    }

    @Test func readsSafeTensorsFileByContent() throws {
        let folder = try temporaryFolder(copying: [("bert.safetensors", "weights.bin")])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let weights = try ModelWeights.load(file: folder + "/weights.bin")
        #expect(weights.tensors.count == (try SafeTensors.load(path: CheckpointFixture.path("bert.safetensors"))).count)
    }

    /// A fresh folder holding copies of fixtures under new names.
    private func temporaryFolder(copying files: [(String, String)]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-ckpt-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (source, name) in files {
            try FileManager.default.copyItem(atPath: CheckpointFixture.path(source), toPath: folder + "/" + name)
        }
        return folder
    }
}
