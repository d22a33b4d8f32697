import Foundation
import Models
import TensorCore

/// A reference case under `Tests/Fixtures/models/<name>/`: a Hugging Face model folder
/// (`config.json`, `model.safetensors`) with the inputs it was run on, its outputs, and the
/// parameter gradients of one backward pass (keyed by checkpoint name).
struct ModelFixture {
    /// `Tests/Fixtures/models`, found from this source file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("models").path

    let name: String
    var directory: String { ModelFixture.root + "/" + name }

    init(_ name: String) { self.name = name }

    func tensors(_ file: String) throws -> [String: Tensor] {
        try SafeTensors.load(path: directory + "/" + file + ".safetensors")
    }

    var inputs: ModelInput {
        get throws { ModelInput(try tensors("inputs"), returnLoss: true, outputHiddenStates: true) }
    }

    func hasFile(_ file: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + file + ".safetensors")
    }
}

/// The largest |x|.
func maxMagnitude(_ t: Tensor) -> Double { t.toArray(of: Double.self).map(abs).max() ?? 0 }

/// The largest elementwise |a − b|.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.toArray(of: Double.self), b.toArray(of: Double.self)).map { abs($0 - $1) }.max() ?? 0
}
