import Models
import NN
import TensorCore

/// A small audio tower for composition tests of the audio extensions: the waveform is cut into
/// frames of `hop` samples and each frame is mapped by `tanh(Linear(hop → width))`. A frame is
/// valid when all its samples are, so padding changes no valid frame.
final class FrameTower: Module, AudioTower {
    static let modelType = "test-frames"
    let hop: Int
    let projection: Linear

    init(hop: Int = 4, width: Int = 6, seed: UInt64 = 3) {
        self.hop = hop
        projection = Linear(hop, width, generator: RandomGenerator(seed: seed))
        super.init()
        register(child: "projection", projection)
    }

    var frameWidth: Int { projection.outFeatures }
    var architecture: String { "FrameTower" }
    var configJSON: [String: JSONValue] { ["hop": .number(Double(hop)), "hidden_size": .number(Double(frameWidth))] }

    func encodeAudio(_ inputValues: Tensor, attentionMask: Tensor?) throws -> AudioFrames {
        let (b, n) = (inputValues.shape[0], inputValues.shape[1])
        let frames = try projection(inputValues.reshaped([b, n / hop, hop])).tanh()
        guard let attentionMask else { return AudioFrames(states: frames, mask: nil) }
        let lengths = try attentionMask.converted(to: .float64).sum(axes: [1]).toArray(of: Double.self).map {
            Int64($0) / Int64(hop)
        }
        let mask = try Tensor.arange(0, Double(n / hop)).unsqueezed(at: 0).lt(Tensor(shape: [b, 1], scalars: lengths))
        return AudioFrames(states: frames, mask: mask)
    }

    func forward(_ input: ModelInput) throws -> [String: Tensor] {
        [
            "last_hidden_state": try encodeAudio(
                input.require("input_values", for: "FrameTower"), attentionMask: input["attention_mask"]
            ).states
        ]
    }

    func parameterName(forCheckpointKey key: String) -> String? { key }
}
