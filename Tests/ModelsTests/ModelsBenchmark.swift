import Foundation
import Models
import NN
import TensorCore
import Testing

/// Forward and forward+backward time of ViT-Tiny and MiniLM, run by scripts/bench-models (which
/// sets `EMBER_BENCH_MODELS` to the number of timed repetitions); skipped in the ordinary suite.
@Suite struct ModelsBenchmark {
    static let repetitions = ProcessInfo.processInfo.environment["EMBER_BENCH_MODELS"].flatMap(Int.init)

    /// The best wall time of `repetitions` runs after one warm-up (the machine is shared, so the
    /// least disturbed run is the measure).
    func best(_ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<Self.repetitions! {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return times.min()!
    }

    func report(_ name: String, _ model: any PretrainedModel, _ inputs: ModelInput) throws {
        model.train()
        let forward = try best { _ = try noGrad { try model.forward(inputs) } }
        let step = try best {
            for p in model.parameters() { p.grad = nil }
            let h = try model.forward(inputs)["last_hidden_state"]!
            try (h * h).mean().backward()
        }
        print(String(format: "bench-models: ember %@: forward %.3f s, forward+backward %.3f s (%d threads)",
                     name, forward, step, Parallel.threadCount))
    }

    @Test(.enabled(if: repetitions != nil, "set EMBER_BENCH_MODELS (scripts/bench-models)"))
    func vitTinyAndMiniLM() throws {
        Parallel.threadCount = 2
        var vit = ViTConfig()
        (vit.hiddenSize, vit.numHiddenLayers, vit.numAttentionHeads, vit.intermediateSize) = (192, 12, 3, 768)
        let pixels = Tensor.randn([8, 3, 224, 224], generator: RandomGenerator(seed: 1))
        try report("ViT-Tiny 224/16 batch 8", ViTModel(config: vit), ModelInput(["pixel_values": pixels]))

        var bert = BertConfig()
        (bert.hiddenSize, bert.numHiddenLayers, bert.numAttentionHeads, bert.intermediateSize) = (384, 6, 12, 1536)
        (bert.hiddenDropoutProb, bert.attentionProbsDropoutProb) = (0, 0)
        let ids = try Tensor.randint(0, 30522, shape: [16, 64], generator: RandomGenerator(seed: 2))
        try report("MiniLM-L6 16x64 tokens", BertModel(config: bert),
                   ModelInput(["input_ids": ids, "attention_mask": Tensor.ones([16, 64], dtype: .int64)]))
    }
}
