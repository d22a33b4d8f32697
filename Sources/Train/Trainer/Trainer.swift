import Models
import NN
import TensorCore

/// Fine-tunes a model: batches from a source, forward and loss, backward, clipping, optimizer
/// and schedule steps, validation with metrics, early stopping, checkpoints that resume exactly,
/// a progress bar and a metrics log (`train.Trainer{...}` in Lua).
///
/// ```swift
/// let trainer = try Trainer(model: vit, optimizer: adamW, schedule: cosine,
///                           train: trainBatches, validation: valBatches, options: options)
/// try trainer.fit(epochs: 3)            // validates after each epoch
/// try trainer.save(to: "runs/a/checkpoint")
/// // later, in a fresh process, with the same kinds of objects:
/// try trainer2.resume(from: "runs/a/checkpoint"); try trainer2.fit(epochs: 5)
/// ```
///
/// **Steps.** ``step()`` trains on one batch. With ``TrainerOptions/accumulationSteps`` n, each
/// batch's loss is divided by n and the optimizer updates after every n batches (and after the
/// last batch of an epoch); ``globalStep`` counts updates, as the schedule does.
///
/// **Consistency.** A step either completes or leaves no trace: when the forward or backward
/// pass fails — Ctrl-C stopping a kernel, an error in a loss function — the gradients and the
/// random generator are put back and the batch is kept for the next step. ``fit(epochs:)`` checks
/// for Ctrl-C between steps and stops there; calling it again continues.
///
/// **Determinism.** With the same seed (``TrainerOptions/seed``, or the generators seeded
/// before the model is built) and a deterministic source, two runs produce identical losses and
/// parameters; validation leaves the random generators as it found them.
public final class Trainer<Batch: TrainingBatch> {
    /// Called after each optimizer step, epoch and validation; an error thrown by one stops
    /// the call that ran it (the state stays consistent: the step or epoch is done).
    public struct Callbacks {
        /// After each optimizer update, with its record.
        public var onStep: ((TrainingHistory.Step) throws -> Void)?
        /// After each finished epoch (and its validation).
        public var onEpoch: ((EpochSummary) throws -> Void)?
        /// After each validation.
        public var onValidate: ((ValidationResult) throws -> Void)?

        public init() {}
    }

    /// One finished epoch.
    public struct EpochSummary: Sendable {
        /// The epoch's number (1-based).
        public var epoch: Int
        /// The mean loss of its optimizer steps.
        public var loss: Double
        /// The validation that followed it, if any.
        public var validation: ValidationResult?
    }

    /// Where the current epoch stands.
    enum Phase: String, Codable {
        /// Taking batches of the pass.
        case training
        /// The source's pass is over; the epoch still has to be finished (its last update,
        /// validation, summary) — after an interrupted validation, for instance.
        case passEnded
    }

    /// The model trained (its parameters, modes and state dict).
    public let model: Module
    /// Updates the parameters; the trainer zeroes, clips and steps it.
    public let optimizer: any Optimizer
    /// Stepped after each update, when given.
    public let schedule: LearningRateSchedule?
    /// The training batches; its passes are the epochs.
    public let trainSource: any BatchSource<Batch>
    /// The validation batches, a whole pass per validation.
    public let validationSource: (any BatchSource<Batch>)?
    /// How it trains.
    public let options: TrainerOptions
    /// Called after steps, epochs and validations.
    public var callbacks = Callbacks()
    /// Where log lines and the progress bar go.
    public var output: TrainingOutput
    /// The run folder's metrics log, when ``TrainerOptions/directory`` is set.
    public let metricsFile: MetricsFile?
    let objective: Objective<Batch>

    /// Optimizer updates done.
    public internal(set) var globalStep = 0
    /// Epochs finished.
    public internal(set) var epochsCompleted = 0
    /// Batches taken from the current pass.
    public internal(set) var batchesInEpoch = 0
    public internal(set) var history = TrainingHistory()
    /// The most recent validation.
    public internal(set) var lastValidation: ValidationResult?
    /// The monitored metric's best validation in a fit.
    public internal(set) var best: BestMetric?
    /// Validations in a row without improvement.
    public internal(set) var validationsWithoutImprovement = 0

    var phase = Phase.training
    /// Batches whose gradients wait for the next update, and their summed loss.
    var accumulatedBatches = 0
    var accumulatedLoss = 0.0
    /// A batch taken from the source whose step has not completed, and the source's position
    /// before it (what a checkpoint saves, so a resumed run takes the batch again).
    var pendingBatch: Batch?
    var positionBeforePending: String?
    var stopRequested = false
    /// The epoch count a running fit aims at (for the log and the bar).
    var fitTarget: Int?
    var bar = ProgressBar()
    /// Whether the bar is drawn: during ``fit(epochs:)`` and ``epoch()``, which run long and
    /// erase it when they return; a lone ``step()`` draws nothing that later output would meet.
    var drawsProgress = false
    /// Whether this run has begun its metrics file: a new run empties it on its first record,
    /// a resumed one continues it (cut back to the checkpoint).
    var metricsFileStarted = false

    /// A trainer.
    /// - Parameters:
    ///   - objective: the forward pass and loss of a batch; nil uses the model's own `loss`
    ///     output (``Objectives/modelLoss(_:)``), which needs a ``PretrainedModel``.
    /// - Throws: ``TrainingError/setup(_:)`` when the optimizer updates none of the model's
    ///   trainable parameters, the schedule drives another optimizer, an option is out of range,
    ///   or no objective can be made.
    public init(
        model: Module, optimizer: any Optimizer, schedule: LearningRateSchedule? = nil,
        train: any BatchSource<Batch>, validation: (any BatchSource<Batch>)? = nil,
        options: TrainerOptions = TrainerOptions(), output: TrainingOutput = .standard(),
        objective: Objective<Batch>? = nil
    ) throws {
        try options.validate()
        try Self.checkParameters(model: model, optimizer: optimizer)
        if let schedule, schedule.optimizer !== optimizer {
            throw TrainingError.setup(
                "Trainer: the scheduler sets the learning rate of another optimizer than the trainer's")
        }
        if let objective {
            self.objective = objective
        } else if let pretrained = model as? any PretrainedModel {
            self.objective = Objectives.modelLoss(pretrained)
        } else {
            throw TrainingError.setup(
                "Trainer: \(model.typeName) is not a Hugging Face model with its own loss; pass a loss function")
        }
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        trainSource = train
        validationSource = validation
        self.options = options
        self.output = output
        metricsFile = try options.directory.map { try MetricsFile(directory: $0) }
        if let seed = options.seed {
            for (i, generator) in options.randomGenerators.enumerated() { generator.seed(seed &+ UInt64(i)) }
        }
        // Gradients left by earlier manual steps would leak into the first update.
        optimizer.zeroGrad()
    }

    /// Refuses an optimizer that would train nothing of this model.
    static func checkParameters(model: Module, optimizer: any Optimizer) throws {
        let owned = Set(model.parameters().map(ObjectIdentifier.init))
        let shared = optimizer.parameters.filter { owned.contains(ObjectIdentifier($0)) }
        guard !shared.isEmpty else {
            throw TrainingError.setup(
                "Trainer: the optimizer updates none of \(model.typeName)'s parameters "
                    + "(was it made for another model? build it over model:parameters())")
        }
        guard shared.contains(where: \.requiresGrad) else {
            throw TrainingError.setup(
                "Trainer: every parameter the optimizer updates is frozen, so training would change nothing; "
                    + "unfreeze some (unfreeze(pattern)) or build the optimizer after unfreezing")
        }
    }

    /// Asks a running ``fit(epochs:)`` to stop after the current step (for callbacks).
    public func requestStop() { stopRequested = true }

    /// The epoch being trained, 1-based (the one after the last finished).
    public var currentEpoch: Int { epochsCompleted + 1 }

    /// Appends a record to the run's metrics file, if it has one.
    func appendMetrics(_ type: String, _ fields: [String: Double?]) throws {
        guard let metricsFile else { return }
        if !metricsFileStarted {
            try metricsFile.clear()
            metricsFileStarted = true
        }
        try metricsFile.append(type, fields)
    }

    /// The states of the run's random generators.
    var randomStates: [[UInt64]] { options.randomGenerators.map(\.state) }

    /// Puts back states read by ``randomStates``.
    func restoreRandomStates(_ states: [[UInt64]]) throws {
        for (generator, state) in zip(options.randomGenerators, states) { try generator.restore(state) }
    }

    /// Writes a log line, erasing the progress bar first so the line stands on its own.
    func log(_ text: String) {
        output.progress?.clear()
        output.line(text)
    }

    /// `epoch 2/5` during a fit, `epoch 2` otherwise.
    func epochLabel(_ epoch: Int) -> String {
        "epoch \(epoch)" + (fitTarget.map { "/\($0)" } ?? "")
    }
}

/// The monitored metric's best validation value so far, and when it was reached.
public struct BestMetric: Codable, Sendable, Equatable {
    /// ``TrainerOptions/monitor``.
    public var metric: String
    public var value: Double
    /// The optimizer steps and epochs done at that validation.
    public var step: Int
    public var epoch: Int
}
