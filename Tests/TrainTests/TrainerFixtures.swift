import Models
import NN
import TensorCore
import Train

/// A small Hugging Face-style classifier for the trainer tests: inputs `[B, 4]` → tanh hidden
/// layer → dropout → logits `[B, classes]`, with the cross-entropy `loss` when given `labels`.
/// Its dropout draws from its own generator so that tests running in parallel (which draw from
/// the shared one) cannot disturb it.
final class TinyClassifier: Module, PretrainedModel {
    static let modelType = "tiny-classifier"
    let hidden: Linear
    let head: Linear
    let dropout: Dropout
    let classes: Int

    init(classes: Int = 3, hidden width: Int = 16, dropout p: Double = 0.2, generator: RandomGenerator) {
        self.classes = classes
        hidden = Linear(4, width, generator: generator)
        head = Linear(width, classes, generator: generator)
        dropout = Dropout(p, generator: generator)
        super.init()
        register(child: "hidden", hidden)
        register(child: "head", head)
        register(child: "dropout", dropout)
    }

    var architecture: String { "TinyClassifier" }
    var configJSON: [String: JSONValue] { ["num_labels": .number(Double(classes)), "hidden_size": .number(16)] }

    func forward(_ input: ModelInput) throws -> [String: Tensor] {
        let x = try input.require("inputs", for: architecture)
        let logits = try head(dropout(hidden(x).tanh()))
        var outputs = ["logits": logits]
        if let labels = input["labels"] { outputs["loss"] = try Loss.crossEntropy(logits, labels) }
        return outputs
    }

    func parameterName(forCheckpointKey key: String) -> String? { key }
}

/// Three Gaussian blobs in 4-D, batched.
enum Blobs {
    /// `batches` batches of `size` points; the class of point i is i mod 3.
    static func batches(_ batches: Int, size: Int, seed: UInt64, classes: Int = 3) throws -> [TensorBatch] {
        let rng = RandomGenerator(seed: seed)
        return try (0..<batches).map { _ in
            var x: [Float] = []
            var y: [Int64] = []
            for i in 0..<size {
                let c = i % classes
                for d in 0..<4 { x.append(Float((d == c ? 2.0 : 0.0) + 0.7 * rng.normal())) }
                y.append(Int64(c))
            }
            return TensorBatch([
                "inputs": try Tensor(shape: [size, 4], scalars: x), "labels": try Tensor(shape: [size], scalars: y),
            ])
        }
    }
}

/// One training setup, built the same way each time from seeds, so separate runs can be
/// compared bit for bit.
struct TrainerSetup {
    var accumulate = 1
    var clip: Double? = 1.0
    var shuffle = true
    var validation = true
    var learningRate = 0.05
    var directory: String?
    var logEvery = 0
    var configure: (inout TrainerOptions) -> Void = { _ in }

    let trainBatches: [TensorBatch]
    let validationBatches: [TensorBatch]

    init() throws {
        trainBatches = try Blobs.batches(10, size: 8, seed: 11)
        validationBatches = try Blobs.batches(3, size: 10, seed: 12)
    }

    /// A fresh model, optimizer, schedule, sources and trainer, and the log lines it writes.
    func make(
        classes: Int = 3, train: (any BatchSource<TensorBatch>)? = nil,
        objective: ((TinyClassifier) -> Objective<TensorBatch>)? = nil
    ) throws -> (trainer: Trainer<TensorBatch>, model: TinyClassifier, lines: LineLog) {
        let generator = RandomGenerator(seed: 7)
        let model = TinyClassifier(classes: classes, generator: generator)
        let optimizer = try Adam.adamW(model.parameters(), .adamW(learningRate: learningRate))
        let schedule = try LearningRateSchedule.cosine(optimizer, warmup: 3, total: 40)
        var options = TrainerOptions()
        options.gradientClip = clip
        options.accumulationSteps = accumulate
        options.randomGenerators = [generator]
        options.directory = directory
        options.logEvery = logEvery
        configure(&options)
        let lines = LineLog()
        let trainer = try Trainer(
            model: model, optimizer: optimizer, schedule: schedule,
            train: train ?? ArrayBatchSource(trainBatches, shuffle: shuffle, seed: 3),
            validation: validation ? ArrayBatchSource(validationBatches) : nil,
            options: options, output: TrainingOutput(line: { lines.lines.append($0) }), objective: objective?(model))
        return (trainer, model, lines)
    }
}

/// The lines a trainer logged.
final class LineLog {
    var lines: [String] = []
}

/// Every parameter's values, for bit-for-bit comparisons.
func parameterValues(_ model: Module) -> [[Float]] {
    model.parameters().map { $0.toArray(of: Float.self) }
}
