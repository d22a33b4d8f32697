import Models
import NN
import TensorCore

/// Forward and forward+backward time of ViT-Tiny (224, patch 16, 192 wide, 12 layers, batch 8),
/// a 4-layer 256-wide Wav2Vec2 on one second of audio and MiniLM-L6 (384 wide, 16 sequences of
/// 64 tokens), at 2 threads; a step's loss is
/// mean(last_hidden_state²). scripts/bench-models prints PyTorch's figures for the same models
/// beside these.
func modelBenchmarks(repetitions: Int) throws {
    Parallel.threadCount = 2
    func report(_ name: String, _ model: any PretrainedModel, _ inputs: ModelInput) throws {
        model.train()
        let forward = try best(of: repetitions) { _ = try noGrad { try model.forward(inputs) } }
        MemoryStats.resetPeak()
        let step = try best(of: repetitions) {
            for p in model.parameters() { p.grad = nil }
            let h = try model.forward(inputs)["last_hidden_state"]!
            try (h * h).mean().backward()
        }
        print(
            "bench-models: ember \(name): forward \(fixed(forward, 0, 3)) s, forward+backward \(fixed(step, 0, 3)) s, "
                + "peak tensor memory \(MemoryStats.peak >> 20) MB (\(Parallel.threadCount) threads)")
    }
    var vit = ViTConfig()
    (vit.hiddenSize, vit.numHiddenLayers, vit.numAttentionHeads, vit.intermediateSize) = (192, 12, 3, 768)
    let pixels = Tensor.randn([8, 3, 224, 224], generator: RandomGenerator(seed: 1))
    try report("ViT-Tiny 224/16 batch 8", ViTModel(config: vit), ModelInput(["pixel_values": pixels]))

    // The base conv stack (7 × 512 channels, group norm), 4 layers 256 wide, one second of
    // voice; dropout, layer drop and SpecAugment off on both sides.
    var wav2vec2 = Wav2Vec2Config()
    (wav2vec2.hiddenSize, wav2vec2.numHiddenLayers, wav2vec2.numAttentionHeads, wav2vec2.intermediateSize) = (
        256, 4, 4, 1024
    )
    (wav2vec2.hiddenDropout, wav2vec2.activationDropout, wav2vec2.attentionDropout, wav2vec2.layerdrop) = (0, 0, 0, 0)
    wav2vec2.maskTimeProb = 0
    let voice = Tensor.randn([1, 16_000], generator: RandomGenerator(seed: 3))
    try report("Wav2Vec2 4x256 1 s", Wav2Vec2Model(config: wav2vec2), ModelInput(["input_values": voice]))

    var bert = BertConfig()
    (bert.hiddenSize, bert.numHiddenLayers, bert.numAttentionHeads, bert.intermediateSize) = (384, 6, 12, 1536)
    (bert.hiddenDropoutProb, bert.attentionProbsDropoutProb) = (0, 0)
    let ids = try Tensor.randint(0, 30522, shape: [16, 64], generator: RandomGenerator(seed: 2))
    try report(
        "MiniLM-L6 16x64 tokens", BertModel(config: bert),
        ModelInput(["input_ids": ids, "attention_mask": Tensor.ones([16, 64], dtype: .int64)]))
}

/// The best wall time of `runs` runs after one warm-up (on a shared machine the least disturbed
/// run is the measure).
func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var fastest = Double.infinity
    for _ in 0..<max(runs, 1) {
        let t0 = now()
        try body()
        fastest = min(fastest, now() - t0)
    }
    return fastest
}
