import Datasets
import Foundation
import Media
import Models
import NN
import TensorCore
import Text
import Train

/// One pipeline of Benchmarks/training-pipelines.json: the sizes of an example script.
private struct Pipeline: Decodable {
    let example: String
    let frames: Int
    let size: Int
    let batch: Int
    let lr: Double
    let weightDecay: Double
    let tokenizer: String?
    let patch: Int?
    let model: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case example, frames, size, batch, lr, tokenizer, patch, model
        case weightDecay = "weight_decay"
    }
}

/// Training throughput of the pipeline examples at their sizes: samples/s of whole training steps
/// (forward, loss, backward, gradient clipping at 1, AdamW) over 40 clips of the
/// sample set, decoded once into memory so that decoding is not measured; the peak of tensor
/// memory during the measured passes and the process's max RSS. scripts/bench-training runs one
/// pipeline per process (so max RSS is the pipeline's) and PyTorch's figures beside these.
/// - Parameters:
///   - root: the repository (for the pipeline file, the sample set and the tokenizers).
///   - names: pipelines to run (`fusion`, `clip`, `uniter`).
///   - passes: measured passes over the training clips, after one warm-up pass.
func trainingBenchmarks(root: String, names: [String], passes: Int) throws {
    Parallel.threadCount = 2
    let file = URL(fileURLWithPath: root + "/Benchmarks/training-pipelines.json")
    let pipelines = try JSONDecoder().decode([String: Pipeline].self, from: Data(contentsOf: file))
    for name in names {
        guard let pipeline = pipelines[name] else {
            throw TensorError.invalidArgument(
                "bench training: no pipeline '\(name)' (\(pipelines.keys.sorted().joined(separator: ", ")))")
        }
        try measureTraining(name, pipeline, root: root, passes: passes)
    }
}

private func measureTraining(_ name: String, _ pipeline: Pipeline, root: String, passes: Int) throws {
    let inputs = try modelInputs(pipeline, root: root)
    let samples = inputs.reduce(0) { $0 + $1.samples }
    let model = try Models.build(config: pipeline.model, source: name)
    model.train()
    let parameters = model.parameters()
    let optimizer = try Adam.adamW(parameters, .adamW(learningRate: pipeline.lr, weightDecay: pipeline.weightDecay))
    func pass() throws {
        for input in inputs {
            optimizer.zeroGrad()
            try model.forward(input.input)["loss"]!.backward()
            try clipGradNorm(parameters, maxNorm: 1)
            try optimizer.step()
        }
    }
    try pass()  // warm-up: buffers, optimizer state, OpenBLAS threads
    MemoryStats.resetPeak()
    let cpu0 = processCPUSeconds(), t0 = now()
    for _ in 0..<passes { try pass() }
    let wall = now() - t0, cpu = processCPUSeconds() - cpu0
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print(
        "bench-training: ember \(name) (\(pipeline.example), batch \(pipeline.batch), "
            + "\(model.parameters().reduce(0) { $0 + $1.count }) parameters): \(passes * samples) samples in "
            + "\(fixed(wall, 0, 2)) s (CPU \(fixed(cpu, 0, 2)) s) = \(fixed(Double(passes * samples) / wall, 0, 1)) samples/s, "
            + "peak tensor memory \(MemoryStats.peak >> 20) MB, max RSS \(usage.ru_maxrss >> 10) MB "
            + "(\(Parallel.threadCount) threads)")
}

/// The model inputs of each batch of 40 clips of the sample set (a stratified fifth), as the
/// example script builds them from a loader batch.
private func modelInputs(_ pipeline: Pipeline, root: String) throws -> [(input: ModelInput, samples: Int)] {
    let clips = ManifestDataset(
        manifest: try Manifest(path: root + "/examples/data/manifest.jsonl"),
        options: DecodeOptions(
            video: VideoOptions(
                selection: .count(pipeline.frames),
                resize: .exact(height: pipeline.size, width: pipeline.size),
                normalization: .clip, threads: 1)))
    let (training, _) = try clips.split(fraction: 0.2, seed: 0)  // 40 clips, 8 of each class
    let epoch = try DataLoader(training, options: LoaderOptions(batchSize: pipeline.batch)).makeEpoch()
    let tokenizer = try pipeline.tokenizer.map { try Tokenizer.load(root + "/" + $0) }
    var inputs: [(input: ModelInput, samples: Int)] = []
    while let batch = try epoch.next() {
        var tensors = ["input_values": batch.inputValues!]
        if let tokenizer {
            let words = try tokenizer(batch.text!, options: BatchOptions(padding: .longest))
            tensors["input_ids"] = try int64Tensor(words.inputIds)
            tensors["attention_mask"] = try int64Tensor(words.attentionMask)
            if let types = words.tokenTypeIds { tensors["token_type_ids"] = try int64Tensor(types) }
            tensors["audio_attention_mask"] = batch.attentionMask!
        } else {
            tensors["attention_mask"] = batch.attentionMask!
        }
        if let patch = pipeline.patch {
            try tensors.merge(regions(batch.pixelValues!, patch: patch)) { $1 }
        } else {
            tensors["pixel_values"] = batch.pixelValues!
        }
        if pipeline.model["num_labels"] != nil { tensors["labels"] = batch.labels! }
        inputs.append((ModelInput(tensors, returnLoss: pipeline.model["num_labels"] == nil), batch.count))
    }
    return inputs
}

/// UNITER's region inputs from frames `[B, T, 3, S, S]`: each frame's `patch`-sized squares
/// flattened (`img_feat` `[B, T·n², 3·patch²]`) and their boxes `[x1, y1, x2, y2, w, h, w·h]`.
private func regions(_ pixels: Tensor, patch: Int) throws -> [String: Tensor] {
    let (b, t, size) = (pixels.shape[0], pixels.shape[1], pixels.shape[3])
    let n = size / patch
    let features = try pixels.reshaped([b, t, 3, n, patch, n, patch]).permuted([0, 1, 3, 5, 2, 4, 6])
        .reshaped([b, t * n * n, 3 * patch * patch])
    var boxes: [Float] = []
    for _ in 0..<t {
        for row in 0..<n {
            for col in 0..<n {
                let (x1, y1, w) = (Float(col) / Float(n), Float(row) / Float(n), 1 / Float(n))
                boxes += [x1, y1, x1 + w, y1 + w, w, w, w * w]
            }
        }
    }
    let positions = try Tensor(shape: [1, t * n * n, 7], scalars: boxes).expanded(to: [b, t * n * n, 7])
    return ["img_feat": features, "img_pos_feat": positions]
}

private func int64Tensor(_ rows: [[Int]]) throws -> Tensor {
    try Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0.map(Int64.init) })
}
