import FoundationEssentials
import TensorCore

/// `trainer_state.json`: everything of a training run that is not a tensor — counters, the
/// optimizer's header, the schedule, the random generator, the data's position, early-stopping
/// state and the history. The tensors sit beside it (see ``Trainer/save(to:)``).
struct TrainerState: Codable {
    static let format = "ember-trainer-checkpoint"
    static let fileName = "trainer_state.json"

    var format = TrainerState.format
    var version = 1
    /// The model's type name and its parameters' names and shapes, to name what differs when a
    /// checkpoint of another model is resumed.
    var modelType: String
    var parameterShapes: [String: [Int]]
    var globalStep: Int
    var epochsCompleted: Int
    var batchesInEpoch: Int
    var phase: String
    var accumulationSteps: Int
    var accumulatedBatches: Int
    var accumulatedLoss: Double
    var optimizer: OptimizerState.Header
    var schedule: LearningRateSchedule.State?
    /// Each of the run's random generators' state, as decimal text (JSON numbers would round
    /// 64-bit words).
    var random: [[String]]
    /// The training source's ``BatchSource/savedPosition()``.
    var trainPosition: String?
    var best: BestMetric?
    var validationsWithoutImprovement: Int
    var history: TrainingHistory

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        // A loss may be NaN (a skipped step); JSON has no NaN, so it goes as a string.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(self))
    }

    static func read(folder: String) throws -> TrainerState {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.checkpoint(
                "resume: \(folder) has no \(fileName); it is not a trainer checkpoint "
                    + "(a model folder is loaded with the model's own loader)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let state: TrainerState
        do {
            state = try decoder.decode(TrainerState.self, from: data)
        } catch {
            throw TrainingError.checkpoint("resume: \(path) is not a valid trainer state: \(error)")
        }
        guard state.format == format, state.version == 1 else {
            throw TrainingError.checkpoint(
                "resume: \(path) has format \(state.format) version \(state.version); "
                    + "this Ember reads \(format) version 1")
        }
        return state
    }
}
