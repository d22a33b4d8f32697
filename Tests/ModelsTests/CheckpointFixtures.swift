import Foundation
import Models
import TensorCore

/// The committed fixtures of `scripts/reference/models_ckpt.py` (Tests/Fixtures/checkpoints).
enum CheckpointFixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("checkpoints")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// How torch.load laid out one tensor (the twin's `layout` metadata).
    struct Layout: Decodable {
        let stride: [Int]
        let offset: Int
        let storage: Int
    }

    static func layouts(of twin: String) throws -> [String: Layout] {
        let file = try SafeTensorsFile(path: path(twin))
        return try JSONDecoder().decode([String: Layout].self, from: Data(file.metadata["layout", default: "{}"].utf8))
    }
}

/// The raw bytes of `t`'s elements in row-major order (bool as 0/1 bytes).
func rowMajorBytes(_ t: Tensor) -> [UInt8] {
    let c = t.copied()
    return Array(
        UnsafeRawBufferPointer(start: c.storage.base + c.offset * c.dtype.byteCount, count: c.count * c.dtype.byteCount)
    )
}

/// Describes how `got` differs from `expected` tensor by tensor (empty when bit-identical).
func differences(_ got: [String: Tensor], _ expected: [String: Tensor]) -> [String] {
    var out: [String] = []
    for name in Set(got.keys).union(expected.keys).sorted() {
        guard let g = got[name] else { out.append("\(name): missing"); continue }
        guard let e = expected[name] else { out.append("\(name): unexpected"); continue }
        if g.dtype != e.dtype || g.shape != e.shape {
            out.append("\(name): \(g.dtype) \(g.shape) instead of \(e.dtype) \(e.shape)")
        } else if rowMajorBytes(g) != rowMajorBytes(e) {
            out.append("\(name): values differ")
        }
    }
    return out
}

/// The error `body` throws, as a ``CheckpointError`` (nil when it throws nothing or another type).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
    do {
        try body()
        return nil
    } catch let error as CheckpointError {
        return error
    } catch {
        return nil
    }
}
