import Foundation
import Models
import TensorCore
import Testing

/// Damaged copies of real checkpoints — bytes overwritten, files cut short — are read or
/// refused with a ``CheckpointError``; never a crash or another kind of failure.
@Suite struct CheckpointFuzzTests {
    @Test(arguments: ["legacy.pt", "legacy-protocol4.pt", "zip.pt", "zip-protocol5.pt", "nested.pt"])
    func damagedCopiesFailCleanly(file: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: CheckpointFixture.path(file))))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-fuzz-\(UUID().uuidString).pt")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let random = RandomGenerator(seed: 2024)
        var outcomes = (read: 0, refused: 0)
        for round in 0..<200 {
            var bytes = original
            if round % 4 == 3 {
                bytes.removeLast(Int(random.integer(in: 1..<Int64(bytes.count))))
            } else {
                for _ in 0...(round % 3) {
                    bytes[Int(random.integer(in: 0..<Int64(bytes.count)))] = UInt8(random.integer(in: 0..<256))
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try TorchCheckpoint.read(path: path)
                outcomes.read += 1
            } catch is CheckpointError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.refused > 0)
    }

    /// A legacy-format file around `object`: the magic-number, version and sys_info pickles
    /// before it, an empty storage-key list after it.
    private func legacyFile(object: [UInt8]) throws -> String {
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let version: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]  // BININT2 1001
        let info: [UInt8] = [0x80, 0x02, 0x7D, 0x2E]  // {}
        let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]  // []
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ember-crafted-\(UUID().uuidString).pt"
        ).path
        try Data(magic + version + info + object + keys).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func deepNestingIsRefused() throws {
        // EMPTY_TUPLE, then TUPLE1 a hundred thousand times: freeing such a value recursively would
        // overflow the stack.
        let path = try legacyFile(object: [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 100_000) + [0x2E])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(checkpointError { _ = try TorchCheckpoint.read(path: path) })
        #expect(error.description.contains("nest more than"), "\(error)")
    }

    @Test func selfContainingDictIsWalkedOnce() throws {
        // d = {}; d["a"] = d — EMPTY_DICT, BINPUT 0, MARK, 'a', BINGET 0, SETITEMS, STOP
        let path = try legacyFile(object: [
            0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 1, 0, 0, 0, 0x61, 0x68, 0x00, 0x75, 0x2E,
        ])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try TorchCheckpoint.read(path: path).isEmpty)
    }
}
