/// What a run has done so far: one record per optimizer step and one per validation. Saved in
/// checkpoints, so a resumed run keeps its whole history (`tr.history`).
public struct TrainingHistory: Codable, Sendable, Equatable {
    /// One optimizer step.
    public struct Step: Codable, Sendable, Equatable {
        /// The step number (1 for the first update).
        public var step: Int
        /// The epoch the step belongs to (1-based).
        public var epoch: Int
        /// The mean loss of the step's batches (before dividing for accumulation).
        public var loss: Double
        /// The first group's learning rate used by the update.
        public var learningRate: Double
        /// The gradients' joint norm before clipping, when clipping is on.
        public var gradientNorm: Double?

        public init(step: Int, epoch: Int, loss: Double, learningRate: Double, gradientNorm: Double? = nil) {
            self.step = step
            self.epoch = epoch
            self.loss = loss
            self.learningRate = learningRate
            self.gradientNorm = gradientNorm
        }
    }

    /// One validation.
    public struct Validation: Codable, Sendable, Equatable {
        /// The optimizer steps done when it ran.
        public var step: Int
        /// The epochs whose training was done when it ran (the epoch it closes, at an epoch's end).
        public var epoch: Int
        /// The scalar metrics: `loss`, `accuracy`, `f1`, `top5`, `recall@1`, ….
        public var metrics: [String: Double]

        public init(step: Int, epoch: Int, metrics: [String: Double]) {
            self.step = step
            self.epoch = epoch
            self.metrics = metrics
        }
    }

    public var steps: [Step] = []
    public var validations: [Validation] = []
    /// Batches skipped for a non-finite loss or gradient norm, by the step they fell in.
    public var skippedSteps: [Int] = []

    public init() {}

    /// Mean training loss of each epoch, by epoch number.
    public func epochLosses() -> [(epoch: Int, loss: Double)] {
        var sums: [Int: (Double, Int)] = [:]
        for s in steps {
            let (total, count) = sums[s.epoch] ?? (0, 0)
            sums[s.epoch] = (total + s.loss, count + 1)
        }
        return sums.keys.sorted().map { ($0, sums[$0]!.0 / Double(sums[$0]!.1)) }
    }
}
