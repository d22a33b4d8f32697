import Lua
import Train

extension TrainLibrary {
    /// The `Trainer` type: methods run the Swift trainer with the calling Lua stack as context,
    /// so the loss function, the model and the data run on it.
    static func registerTrainerType(_ lua: LuaState) {
        let type = lua.userType(
            LuaTrainer.self, name: "Trainer",
            summary:
                "A trainer (train.Trainer{...}): tr:step(), tr:epoch(), tr:fit{epochs=}, tr:validate(), tr:save(), "
                + "tr:plot(\"loss\")"
        )
        func method(
            _ name: String, _ signature: String, _ summary: String,
            _ body: @escaping (Trainer<LuaBatch>, LuaCall) throws -> Int
        ) {
            type.method(name, signature, summary) { lt, call in try lt.context.with(call) { try body(lt.trainer, call) }
            }
        }
        method(
            "step", "tr:step() -> number",
            "Trains on one batch (updating on accumulation boundaries); returns its loss."
        ) { trainer, call in
            try call.expectAtMost(1)
            return call.push(try trainer.step())
        }
        method(
            "epoch", "tr:epoch() -> {epoch=, loss=, val=}",
            "Trains to the end of the current epoch, validates, and returns the epoch's summary."
        ) { trainer, call in
            try call.expectAtMost(1)
            let summary = try trainer.epoch()
            var info: [String: LuaValue] = ["epoch": .integer(Int64(summary.epoch)), "loss": .number(summary.loss)]
            info["val"] = summary.validation.map(value)
            return call.push(table(info))
        }
        method(
            "fit", "tr:fit{epochs=} -> metrics | nil",
            "Trains until `epochs` epochs are done in all (validating after each); "
                + "returns the last validation's metrics. "
                + "Ctrl-C stops it between steps; fit again to continue."
        ) { trainer, call in
            try call.expectAtMost(2)
            let options = try call.options(at: 2, allowed: ["epochs"])
            guard let epochs = try options.integer("epochs"), epochs >= 1 else {
                throw LuaArgumentError(
                    position: 2, message: "option 'epochs' (an integer >= 1) is required: {epochs=n}")
            }
            let result = try trainer.fit(epochs: epochs)
            return result.map { call.push(value($0)) } ?? 0  // nothing to show without validation
        }
        method(
            "validate", "tr:validate() -> {loss=, accuracy=, f1=, confusion=, ...}",
            "Runs the validation data in evaluation mode and returns the metrics."
        ) { trainer, call in
            try call.expectAtMost(1)
            return call.push(value(try trainer.validate()))
        }
        method(
            "save", "tr:save([path]) -> path",
            "Writes a checkpoint folder atomically (default <dir>/checkpoint); train.resume continues from it."
        ) { trainer, call in
            try call.expectAtMost(2)
            return call.push(try trainer.save(to: call.isNoneOrNil(2) ? nil : try call.string(at: 2)))
        }
        method("resume", "tr:resume(path) -> Trainer", "Continues the run saved at path in this trainer.") {
            trainer, call in
            try call.expectAtMost(2)
            try trainer.resume(from: try call.string(at: 2))
            return call.pushArgument(1)
        }
        method(
            "plot", "tr:plot(\"loss\"|\"lr\"|\"confusion\"|metric[, {path=}]) -> {file, ...}",
            "Draws a chart of the run as SVG and PNG (default <dir>/<name>); returns the files."
        ) { trainer, call in
            try call.expectAtMost(3)
            let options = try call.options(at: 3, allowed: ["path"])
            return call.push(try trainer.plot(try call.string(at: 2), to: try options.string("path")))
        }
        method("stop", "tr:stop()", "Asks a running fit to stop after the current step (from a callback).") {
            trainer, call in
            trainer.requestStop()
            return 0
        }

        func property(
            _ name: String, _ signature: String, _ summary: String,
            _ body: @escaping (Trainer<LuaBatch>, LuaCall) throws -> Int
        ) {
            type.property(name, signature, summary) { lt, call in try body(lt.trainer, call) }
        }
        property(
            "history", "tr.history -> {train={...}, val={...}, skipped={...}}",
            "Every optimizer step {step=, epoch=, loss=, lr=} and every validation "
                + "{step=, epoch=, loss=, accuracy=, ...}."
        ) { trainer, call in
            call.push(value(trainer.history))
        }
        property("global_step", "tr.global_step -> integer", "Optimizer updates done.") { trainer, call in
            call.push(trainer.globalStep)
        }
        property("epochs_done", "tr.epochs_done -> integer", "Epochs finished.") { trainer, call in
            call.push(trainer.epochsCompleted)
        }
        property("metrics", "tr.metrics -> table | nil", "The last validation's metrics.") { trainer, call in
            trainer.lastValidation.map { call.push(value($0)) } ?? call.pushNil()
        }
        property("best", "tr.best -> {metric=, value=, step=, epoch=} | nil", "The monitored metric's best validation.")
        { trainer, call in
            guard let best = trainer.best else { return call.pushNil() }
            return call.push(
                table([
                    "metric": .string(best.metric), "value": .number(best.value),
                    "step": .integer(Int64(best.step)), "epoch": .integer(Int64(best.epoch)),
                ]))
        }
        property("dir", "tr.dir -> string | nil", "The run folder.") { trainer, call in
            call.push(trainer.options.directory)
        }
        type.property("optimizer", "tr.optimizer -> Optimizer", "The optimizer.") { lt, call in
            try call.push(object: lt.optimizer)
        }
        type.property("scheduler", "tr.scheduler -> Schedule | nil", "The learning-rate schedule.") { lt, call in
            try lt.schedule.map { try call.push(object: $0) } ?? call.pushNil()
        }
        type.tostring { lt in
            let t = lt.trainer!
            return
                "Trainer(\(t.model.typeName), \(t.optimizer.name), \(t.epochsCompleted) epochs, \(t.globalStep) steps)"
        }
    }
}
