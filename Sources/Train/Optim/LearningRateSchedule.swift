import FoundationEssentials
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// A learning-rate schedule: it sets each group's learning rate to the group's base rate times a
/// factor of the step count, as PyTorch's `LambdaLR`-based Hugging Face schedules and `StepLR` do.
///
/// The base rates are the groups' rates when the schedule is made. Like PyTorch's schedulers,
/// making the schedule already applies step 0 (so a warmup starts the first update at rate 0),
/// and ``step()`` — called after each ``Optimizer/step()`` — advances to the next step. Every
/// factor is a closed form of the step, so ``state()`` and ``restore(_:)`` only carry the step
/// count and the base rates.
public final class LearningRateSchedule {
    /// The shape of the schedule. Steps count optimizer updates; warmups rise linearly from 0.
    public enum Kind: Codable, Sendable, Equatable {
        /// Rises over `warmup` steps, then stays at the base rate
        /// (`transformers.get_constant_schedule_with_warmup`).
        case constant(warmup: Int)
        /// Rises over `warmup` steps, then falls linearly to 0 at step `total`
        /// (`transformers.get_linear_schedule_with_warmup`).
        case linear(warmup: Int, total: Int)
        /// Rises over `warmup` steps, then follows `cycles` periods of a cosine from the base rate
        /// down to `minRate` × base rate at step `total` (0.5 cycles: one half-wave)
        /// (`transformers.get_cosine_with_min_lr_schedule_with_warmup` with `min_lr_rate`;
        /// `get_cosine_schedule_with_warmup` when `minRate` is 0).
        case cosine(warmup: Int, total: Int, cycles: Double, minRate: Double)
        /// Multiplies the base rate by `gamma` every `size` steps (`torch.optim.lr_scheduler.StepLR`).
        case step(size: Int, gamma: Double)
    }

    /// What a schedule saves: its kind, base rates and step count.
    public struct State: Codable, Sendable, Equatable {
        /// The schedule's shape, which a restoring schedule must share.
        public var kind: Kind
        /// Each group's base rate.
        public var baseLearningRates: [Double]
        /// Steps taken (``LearningRateSchedule/currentStep``).
        public var step: Int

        public init(kind: Kind, baseLearningRates: [Double], step: Int) {
            self.kind = kind
            self.baseLearningRates = baseLearningRates
            self.step = step
        }
    }

    /// The schedule's shape.
    public let kind: Kind
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Each group's rate at construction (PyTorch's `base_lrs`).
    public private(set) var baseLearningRates: [Double]
    /// Steps taken so far (PyTorch's `last_epoch`): 0 right after construction.
    public private(set) var currentStep = 0

    /// A schedule of `kind` over `optimizer`'s groups; sets the rates for step 0.
    /// - Throws: when a step count is negative, `total` is below `warmup`, or `size` is not positive.
    public init(_ optimizer: any Optimizer, _ kind: Kind) throws {
        try Self.validate(kind)
        self.optimizer = optimizer
        self.kind = kind
        baseLearningRates = optimizer.learningRates
        apply()
    }

    /// A cosine schedule whose floor is given as a rate: `minLearningRate` is divided by the
    /// optimizer's default rate to give the floor factor, as Hugging Face's `min_lr` argument does.
    /// - Throws: as ``init(_:_:)``, or when the optimizer's default rate is 0 and a floor is set.
    public static func cosine(
        _ optimizer: any Optimizer, warmup: Int = 0, total: Int, minLearningRate: Double = 0, cycles: Double = 0.5
    ) throws -> LearningRateSchedule {
        var rate = 0.0
        if minLearningRate != 0 {
            guard optimizer.defaultLearningRate > 0 else {
                throw TensorError.invalidArgument("cosine schedule: min_lr needs an optimizer whose lr is > 0")
            }
            rate = minLearningRate / optimizer.defaultLearningRate
        }
        return try LearningRateSchedule(optimizer, .cosine(warmup: warmup, total: total, cycles: cycles, minRate: rate))
    }

    /// The factor that multiplies the base rates at `step`.
    public func factor(at step: Int) -> Double { Self.factor(kind, at: step) }

    /// Advances one step and sets the groups' rates for it.
    public func step() {
        currentStep += 1
        apply()
    }

    /// The schedule's position, to save beside the optimizer's state.
    public func state() -> State { State(kind: kind, baseLearningRates: baseLearningRates, step: currentStep) }

    /// Continues from `state`, setting the optimizer's rates for its step.
    /// - Throws: when the state is of another kind or for another number of groups.
    public func restore(_ state: State) throws {
        guard state.kind == kind else {
            throw TensorError.invalidArgument("schedule: cannot restore a \(state.kind) state into a \(kind) schedule")
        }
        guard state.baseLearningRates.count == baseLearningRates.count, state.step >= 0 else {
            throw TensorError.invalidArgument(
                "schedule: the state has \(state.baseLearningRates.count) groups at step \(state.step), the optimizer \(baseLearningRates.count) groups"
            )
        }
        baseLearningRates = state.baseLearningRates
        currentStep = state.step
        apply()
    }

    private func apply() {
        let f = factor(at: currentStep)
        optimizer.learningRates = baseLearningRates.map { $0 * f }
    }

    // MARK: - Formulas

    static func factor(_ kind: Kind, at step: Int) -> Double {
        switch kind {
        case .constant(let warmup):
            return step < warmup ? warmupFactor(step, warmup) : 1
        case .linear(let warmup, let total):
            if step < warmup { return warmupFactor(step, warmup) }
            return max(0, Double(total - step) / Double(max(1, total - warmup)))
        case .cosine(let warmup, let total, let cycles, let minRate):
            if step < warmup { return warmupFactor(step, warmup) }
            let progress = Double(step - warmup) / Double(max(1, total - warmup))
            let wave = 0.5 * (1 + cos(Double.pi * cycles * 2 * progress))
            return max(0, wave * (1 - minRate) + minRate)
        case .step(let size, let gamma):
            return pow(gamma, Double(step / size))
        }
    }

    private static func warmupFactor(_ step: Int, _ warmup: Int) -> Double {
        Double(step) / Double(max(1, warmup))
    }

    private static func validate(_ kind: Kind) throws {
        func fail(_ message: String) -> TensorError { .invalidArgument("schedule: \(message)") }
        switch kind {
        case .constant(let warmup):
            guard warmup >= 0 else { throw fail("warmup must be >= 0, got \(warmup)") }
        case .linear(let warmup, let total), .cosine(let warmup, let total, _, _):
            guard warmup >= 0 else { throw fail("warmup must be >= 0, got \(warmup)") }
            guard total >= warmup else { throw fail("total (\(total)) must be at least warmup (\(warmup))") }
        case .step(let size, _):
            guard size > 0 else { throw fail("step size must be > 0, got \(size)") }
        }
    }
}
