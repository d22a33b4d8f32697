import Lua
import Models
import NN
import TensorCore
import Train

/// A trainer as Lua holds it (`Trainer` userdata): the Swift ``Trainer`` over Lua batches, the
/// glue closures that reach the user's model, loss and data, and the callbacks. Dropping the
/// userdata releases the closures' registry references.
final class LuaTrainer {
    let context = LuaCallContext()
    let glue: LuaTable
    let optimizer: LuaOptimizer
    let schedule: LearningRateSchedule?
    var trainer: Trainer<LuaBatch>!
    private var onStep: LuaRef?
    private var onEpoch: LuaRef?
    private var onValidate: LuaRef?
    /// The mode last passed to a Lua model's train()/eval().
    private var luaModelMode: Bool?

    /// The keys `train.Trainer{...}` accepts.
    static let specKeys = [
        "model", "optimizer", "scheduler", "loss", "train", "val", "metrics", "grad_clip", "accumulate", "dir",
        "on_nan", "monitor", "mode", "patience", "min_delta", "keep_best", "save_every", "seed", "log_every",
        "classes", "recall_at", "on_step", "on_epoch", "on_validate", "progress",
    ]

    /// Builds a trainer from the spec table at `position` (the glue helper makes its closures).
    init(_ call: LuaCall, spec position: Int, glueMaker: LuaRef) throws {
        guard call.type(at: position) == .table else {
            throw call.typeError(position, expected: "table {model=, optimizer=, train=, ...}")
        }
        let spec = try call.options(at: position, allowed: Self.specKeys)
        switch spec.value("loss") {
        case nil, .function?: break
        case let other?:
            throw LuaArgumentError(
                position: position,
                message: "loss= must be a function(model, batch) returning the loss, got \(other.typeName)")
        }
        for role in ["train", "val"] {
            switch spec.value(role) {
            case nil, .table?, .object?, .function?: continue
            case let other?:
                throw LuaArgumentError(
                    position: position,
                    message: "\(role)= must be a data.loader, a list of batch tables, "
                        + "or a function returning an iterator; got \(other.typeName)")
            }
        }
        guard case .table(let glue)? = try call.call(glueMaker, arguments: { $0.pushArgument(position) }).first else {
            throw LuaMessageError("train.Trainer: internal error: no glue")
        }
        self.glue = glue
        guard case .object(let box as LuaOptimizer)? = spec.value("optimizer") else {
            throw LuaArgumentError(
                position: position,
                message: "optimizer= must be an Optimizer (optim.AdamW(...)), got "
                    + (spec.value("optimizer")?.typeName ?? "nil"))
        }
        optimizer = box
        switch spec.value("scheduler") {
        case nil: schedule = nil
        case .object(let s as LearningRateSchedule)?: schedule = s
        case let other?:
            throw LuaArgumentError(
                position: position, message: "scheduler= must be a Schedule (optim.cosine(...)), got \(other.typeName)")
        }
        for (name, slot) in [("on_step", \LuaTrainer.onStep), ("on_epoch", \.onEpoch), ("on_validate", \.onValidate)] {
            guard let value = spec.value(name) else { continue }
            guard case .function(let f) = value else {
                throw LuaArgumentError(
                    position: position, message: "\(name)= must be a function, got \(value.typeName)")
            }
            self[keyPath: slot] = f
        }
        let model = try context.with(call) { try makeModel(spec, position: position) }
        guard case .table(let trainGlue)? = glue.fields["train"] else {
            throw LuaArgumentError(position: position, message: "train= (the training data) is required")
        }
        let train = try LuaBatchSource(context: context, glue: trainGlue, role: "train")
        var validation: LuaBatchSource?
        if case .table(let valGlue)? = glue.fields["val"] {
            validation = try LuaBatchSource(context: context, glue: valGlue, role: "val")
        }
        let output = call.lua.output
        let progress = try spec.boolean("progress") ?? true
        trainer = try context.with(call) {
            try Trainer(
                model: model, optimizer: box.optimizer, schedule: schedule, train: train, validation: validation,
                options: try Self.options(spec),
                output: TrainingOutput(
                    line: { output.write($0 + "\n") },
                    progress: progress ? TerminalProgress() : nil),
                objective: objective(for: model))
        }
        installCallbacks()
    }

    /// A Swift model from the `nn` library as it is, or a Lua model behind a ``LuaModelProxy``.
    private func makeModel(_ spec: LuaOptions, position: Int) throws -> Module {
        switch spec.value("model") {
        case nil:
            throw LuaArgumentError(position: position, message: "model= is required")
        case .object(let module as Module)?:
            return module
        case .table?, .object?:
            guard case .function(let parameters)? = glue.fields["parameters"],
                case .function(let stateDict)? = glue.fields["state_dict"]
            else {
                throw LuaMessageError("train.Trainer: internal error: no model glue")
            }
            return try LuaModelProxy.make(
                parameters: try context.call(parameters).first ?? .nil,
                stateDict: try context.call(stateDict).first ?? .nil)
        case let other?:
            throw LuaArgumentError(
                position: position,
                message: "model= must be an nn model or a table with forward and "
                    + "parameters methods, got \(other.typeName)")
        }
    }

    /// The loss function when there is one; else the Lua model's forward and its `loss`
    /// output; a Swift model uses its own loss (nil here).
    private func objective(for model: Module) -> Objective<LuaBatch>? {
        if case .function(let loss)? = glue.fields["loss"] {
            return { [unowned self] batch in
                try self.syncMode(model)
                return try Self.stepOutput(
                    try self.context.call(loss) { $0.push(batch.table) }, from: "the loss function")
            }
        }
        guard model is LuaModelProxy, case .function(let forward)? = glue.fields["forward"] else { return nil }
        return { [unowned self] batch in
            try self.syncMode(model)
            let results = try self.context.call(forward) { $0.push(batch.table) }
            guard case .table(let table)? = results.first else {
                throw TrainingError.loss(
                    "train: model:forward(batch) returned \(results.first?.typeName ?? "nothing"), "
                        + "not a table of outputs"
                )
            }
            let outputs = Self.tensors(in: table)
            guard let loss = outputs["loss"] else {
                throw TrainingError.loss(
                    "train: model:forward(batch) returned no 'loss' (outputs: "
                        + "\(outputs.keys.sorted().joined(separator: ", "))); "
                        + "give the batches labels, or pass loss=function(model, batch)"
                )
            }
            return StepOutput(loss: loss, outputs: outputs)
        }
    }

    /// Tells a Lua model of the trainer's mode changes (train for steps, eval for validation).
    private func syncMode(_ model: Module) throws {
        guard model is LuaModelProxy, luaModelMode != model.isTraining,
            case .function(let mode)? = glue.fields["mode"]
        else { return }
        _ = try context.call(mode) { $0.push(model.isTraining) }
        luaModelMode = model.isTraining
    }

    /// The loss and outputs a loss function returned: `loss[, outputs]`.
    static func stepOutput(_ results: [LuaValue], from what: String) throws -> StepOutput {
        guard case .object(let loss as Tensor)? = results.first else {
            throw TrainingError.loss(
                "train: \(what) returned \(results.first?.typeName ?? "nothing"); "
                    + "it must return the loss tensor (and, for metrics, the model's outputs)")
        }
        var outputs: [String: Tensor] = [:]
        if results.count > 1, case .table(let table) = results[1] { outputs = tensors(in: table) }
        return StepOutput(loss: loss, outputs: outputs)
    }

    static func tensors(in table: LuaTable) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (name, value) in table.fields {
            if case .object(let tensor as Tensor) = value { tensors[name] = tensor }
        }
        return tensors
    }

    private static func options(_ spec: LuaOptions) throws -> TrainerOptions {
        var o = TrainerOptions()
        o.gradientClip = try spec.number("grad_clip")
        o.accumulationSteps = try spec.integer("accumulate") ?? 1
        o.onNonFinite =
            try spec.choice("on_nan", of: ["error", "skip"]).flatMap(TrainerOptions.NonFinitePolicy.init) ?? .error
        o.metrics = try spec.table("metrics").map { try strings($0, "metrics", spec.position) }
        o.recallCutoffs =
            try spec.table("recall_at").map { t in
                try t.array.map { v in
                    guard let k = v.integer else {
                        throw LuaArgumentError(position: spec.position, message: "recall_at= must list integers")
                    }
                    return k
                }
            } ?? o.recallCutoffs
        o.monitor = try spec.string("monitor") ?? o.monitor
        o.monitorMode = try spec.choice("mode", of: ["min", "max"]).flatMap(TrainerOptions.MonitorMode.init)
        o.patience = try spec.integer("patience")
        o.minimumImprovement = try spec.number("min_delta") ?? 0
        o.keepBest = try spec.boolean("keep_best") ?? false
        o.saveEvery = try spec.integer("save_every")
        o.directory = try spec.string("dir")
        o.seed = try spec.integer("seed").map { UInt64(bitPattern: Int64($0)) }
        o.logEvery = try spec.integer("log_every") ?? o.logEvery
        o.classNames = try spec.table("classes").map { try strings($0, "classes", spec.position) } ?? []
        return o
    }

    private static func strings(_ table: LuaTable, _ name: String, _ position: Int) throws -> [String] {
        try table.array.map { value in
            guard let text = value.string else {
                throw LuaArgumentError(
                    position: position, message: "\(name)= must list strings, got a \(value.typeName)")
            }
            return text
        }
    }

    // MARK: - Callbacks

    private func installCallbacks() {
        if let onStep {
            trainer.callbacks.onStep = { [unowned self] record in
                try self.callBack(onStep, info: TrainLibrary.value(record))
            }
        }
        if let onEpoch {
            trainer.callbacks.onEpoch = { [unowned self] summary in
                var info: [String: LuaValue] = ["epoch": .integer(Int64(summary.epoch)), "loss": .number(summary.loss)]
                info["val"] = summary.validation.map(TrainLibrary.value)
                try self.callBack(onEpoch, info: TrainLibrary.table(info))
            }
        }
        if let onValidate {
            trainer.callbacks.onValidate = { [unowned self] result in
                try self.callBack(onValidate, info: TrainLibrary.value(result))
            }
        }
    }

    /// Calls `f(tr, info)`; a callback that returns false stops a running fit.
    private func callBack(_ f: LuaRef, info: LuaValue) throws {
        let results = try context.call(f) { [unowned self] call in
            try call.push(object: self)
            call.push(info)
            return 2
        }
        if case .boolean(false)? = results.first { trainer.requestStop() }
    }
}
