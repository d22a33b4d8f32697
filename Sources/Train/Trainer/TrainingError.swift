/// Errors of the trainer and its checkpoints. Each message says what is wrong and what to do,
/// so it can be shown to a user unchanged.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The trainer was put together wrongly: an optimizer over none of the model's parameters,
    /// an option out of range, a metric it does not know.
    case setup(String)
    /// The loss is unusable: not a scalar, not differentiable, or missing from the outputs.
    case loss(String)
    /// The loss (or the gradient norm) is NaN or infinite; the message names the step.
    case nonFinite(String)
    /// The labels do not fit the model's classification head.
    case labels(String)
    /// A checkpoint cannot be written, read, or does not fit this trainer.
    case checkpoint(String)

    public var description: String {
        switch self {
        case .setup(let m), .loss(let m), .nonFinite(let m), .labels(let m), .checkpoint(let m): return m
        }
    }
}
