import TensorCore

/// How a ``Trainer`` trains: clipping, accumulation, what to do with a NaN loss, which metrics
/// to compute, early stopping, the run folder and the log (the `train.Trainer{...}` options).
public struct TrainerOptions: Sendable {
    /// What to do when the loss (or, with clipping, the gradient norm) is NaN or infinite.
    public enum NonFinitePolicy: String, Sendable, Codable {
        /// Stop with an error naming the step (`on_nan="error"`, the default).
        case error
        /// Skip the batch — no update — and count it (`on_nan="skip"`).
        case skip
    }

    /// Whether a monitored metric should go down or up.
    public enum MonitorMode: String, Sendable, Codable {
        case min, max
    }

    /// Clip the gradients' joint 2-norm to this before each update (`grad_clip=`).
    public var gradientClip: Double?
    /// Batches whose gradients are summed into one update (`accumulate=`); each batch's loss is
    /// divided by this, so the update matches one batch this many times as large.
    public var accumulationSteps = 1
    /// `on_nan=`.
    public var onNonFinite = NonFinitePolicy.error
    /// The validation metrics (`metrics={"accuracy", "f1"}`): `accuracy`, `f1`, `confusion`,
    /// `top<k>` (`top5`), `recall` (retrieval recall@k). Nil picks them from the model's
    /// outputs: classification metrics when it returns `logits` and the batch has `labels`,
    /// recall@k when it returns `logits_per_*` (a contrastive model). The loss is always computed.
    public var metrics: [String]?
    /// The cut-offs of recall@k (`recall_at=`).
    public var recallCutoffs = [1, 5, 10]
    /// The validation metric that early stopping and best-checkpoint keeping watch (`monitor=`).
    public var monitor = "loss"
    /// Whether ``monitor`` should fall or rise; nil: fall for names containing "loss", else rise.
    public var monitorMode: MonitorMode?
    /// Stop ``Trainer/fit(epochs:)`` after this many validations without improvement
    /// (`patience=`); nil never stops early.
    public var patience: Int?
    /// The least change that counts as an improvement (`min_delta=`).
    public var minimumImprovement = 0.0
    /// Save a checkpoint to `<directory>/best` each time the monitored metric improves (`keep_best=`).
    public var keepBest = false
    /// Save a checkpoint to `<directory>/checkpoint` every this many epochs of a fit
    /// (`save_every=`); nil never saves on its own.
    public var saveEvery: Int?
    /// The run folder (`dir=`): `metrics.jsonl`, checkpoints and charts go there.
    public var directory: String?
    /// The random generators the run draws from (dropout, augmentation): their states are
    /// saved in checkpoints, put back after a failed step, and kept unchanged by validation.
    /// By default the shared generator (`tensor.seed`, and what layers use unless given another).
    public var randomGenerators: [RandomGenerator] = [.shared]
    /// Reseed ``randomGenerators`` when the trainer is made (`seed=`): the first with `seed`,
    /// the next with `seed + 1`, and so on.
    public var seed: UInt64?
    /// Optimizer steps between log lines (`log_every=`); 0 logs epoch summaries only.
    public var logEvery = 50
    /// Class names in class-id order, for the confusion-matrix chart (`classes=`).
    public var classNames: [String] = []

    public init() {}

    /// The direction of ``monitor``.
    public var resolvedMonitorMode: MonitorMode {
        monitorMode ?? (monitor.contains("loss") ? .min : .max)
    }

    /// Checks the ranges.
    /// - Throws: ``TrainingError/setup(_:)`` naming the option.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .setup("Trainer: \(message)") }
        if let clip = gradientClip, !(clip > 0) { throw fail("grad_clip must be > 0, got \(clip)") }
        guard accumulationSteps >= 1 else { throw fail("accumulate must be >= 1, got \(accumulationSteps)") }
        if let patience, patience < 1 { throw fail("patience must be >= 1, got \(patience)") }
        if let saveEvery, saveEvery < 1 { throw fail("save_every must be >= 1 epoch, got \(saveEvery)") }
        guard minimumImprovement >= 0 else { throw fail("min_delta must be >= 0, got \(minimumImprovement)") }
        guard logEvery >= 0 else { throw fail("log_every must be >= 0, got \(logEvery)") }
        guard !recallCutoffs.isEmpty, recallCutoffs.allSatisfy({ $0 >= 1 }) else {
            throw fail("recall_at must list cut-offs >= 1, got \(recallCutoffs)")
        }
        for name in metrics ?? [] where !ValidationMetrics.isKnown(name) {
            throw fail("unknown metric '\(name)' (expected accuracy, f1, confusion, top<k> such as top5, or recall)")
        }
        if (keepBest || saveEvery != nil) && directory == nil {
            throw fail("keep_best and save_every need a run folder: set dir=")
        }
    }
}
