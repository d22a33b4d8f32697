import Lua
import Train

extension OptimLibrary {
    /// `optim.cosine`, `optim.linear`, `optim.constant`, `optim.step` and the `Schedule` type.
    static func registerSchedules(_ library: LuaLibrary, _ lua: LuaState) {
        library.function(
            "cosine", "optim.cosine(opt, {total=[, warmup=0, min_lr=0, cycles=0.5]}) -> Schedule",
            "Linear warmup, then a cosine from the optimizer's rate down to min_lr at step total "
                + "(transformers' cosine schedule)."
        ) { call in
            let (optimizer, options) = try scheduleArguments(call, allowed: ["warmup", "total", "min_lr", "cycles"])
            let schedule = try call.blaming(2) {
                try LearningRateSchedule.cosine(
                    optimizer, warmup: try options.integer("warmup") ?? 0, total: try required(options, "total"),
                    minLearningRate: try options.number("min_lr") ?? 0, cycles: try options.number("cycles") ?? 0.5)
            }
            return try call.push(object: schedule)
        }
        library.function(
            "linear", "optim.linear(opt, {total=[, warmup=0]}) -> Schedule",
            "Linear warmup, then a linear decay to 0 at step total (transformers' linear schedule)."
        ) { call in
            let (optimizer, options) = try scheduleArguments(call, allowed: ["warmup", "total"])
            let kind = LearningRateSchedule.Kind.linear(
                warmup: try options.integer("warmup") ?? 0, total: try required(options, "total"))
            return try call.push(object: try call.blaming(2) { try LearningRateSchedule(optimizer, kind) })
        }
        library.function(
            "constant", "optim.constant(opt[, {warmup=0}]) -> Schedule",
            "Linear warmup, then the optimizer's rate (transformers' constant schedule with warmup)."
        ) { call in
            let (optimizer, options) = try scheduleArguments(call, allowed: ["warmup"])
            let kind = LearningRateSchedule.Kind.constant(warmup: try options.integer("warmup") ?? 0)
            return try call.push(object: try call.blaming(2) { try LearningRateSchedule(optimizer, kind) })
        }
        library.function(
            "step", "optim.step(opt, {step_size=[, gamma=0.1]}) -> Schedule",
            "Multiplies the rate by gamma every step_size steps (torch.optim.lr_scheduler.StepLR)."
        ) { call in
            let (optimizer, options) = try scheduleArguments(call, allowed: ["step_size", "gamma"])
            let kind = LearningRateSchedule.Kind.step(
                size: try required(options, "step_size"), gamma: try options.number("gamma") ?? 0.1)
            return try call.push(object: try call.blaming(2) { try LearningRateSchedule(optimizer, kind) })
        }

        let type = lua.userType(
            LearningRateSchedule.self, name: "Schedule",
            summary: "A learning-rate schedule; call s:step() after each opt:step() (the trainer does it for you)")
        type.method("step", "s:step()", "Advances one step and sets the optimizer's rates for it.") { schedule, _ in
            schedule.step()
            return 0
        }
        type.method("get_last_lr", "s:get_last_lr() -> {number, ...}", "Each group's current learning rate.") {
            schedule, call in
            call.push(schedule.optimizer.learningRates)
        }
        type.property("lr", "s.lr -> number", "The first group's current learning rate.") { schedule, call in
            call.push(schedule.optimizer.learningRates.first ?? 0)
        }
        type.property("last_step", "s.last_step -> integer", "Steps taken so far (0 after construction).") {
            schedule, call in
            call.push(schedule.currentStep)
        }
        type.tostring { schedule in
            let rate = NumberText.scientific(schedule.optimizer.learningRates.first ?? 0)
            return "Schedule(\(describe(schedule.kind)), step \(schedule.currentStep), lr \(rate))"
        }
    }

    private static func scheduleArguments(_ call: LuaCall, allowed: [String]) throws -> (any Optimizer, LuaOptions) {
        try call.expectAtMost(2)
        let optimizer = try call.object(at: 1, as: LuaOptimizer.self).optimizer
        return (optimizer, try call.options(at: 2, allowed: allowed))
    }

    private static func required(_ options: LuaOptions, _ name: String) throws -> Int {
        guard let value = try options.integer(name) else {
            throw LuaArgumentError(position: options.position, message: "option '\(name)' is required")
        }
        return value
    }

    static func describe(_ kind: LearningRateSchedule.Kind) -> String {
        switch kind {
        case .constant(let warmup): return "constant, warmup \(warmup)"
        case .linear(let warmup, let total): return "linear, warmup \(warmup), total \(total)"
        case .cosine(let warmup, let total, let cycles, let minRate):
            return "cosine, warmup \(warmup), total \(total), cycles \(cycles), min rate \(minRate)"
        case .step(let size, let gamma): return "step, every \(size), gamma \(gamma)"
        }
    }
}
