import Lua
import TensorCore
import Train

/// The `train` library (DESIGN.md §2): `train.Trainer{...}`, `train.resume`, the `Trainer`
/// type (TrainLibrary+Methods.swift) and the metrics.
enum TrainLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library(
            "train", summary: "fine-tuning: train.Trainer{model=, optimizer=, train=, val=}, tr:fit{epochs=}, metrics")
        // The helper that wraps a spec's model, loss and data in closures (see glueSource).
        guard case .function(let glueMaker)? = try? lua.evaluate(glueSource, chunkName: "=train.Trainer").first else {
            fatalError("train: the trainer's Lua helper does not compile")
        }
        library.function(
            "Trainer",
            "train.Trainer{model=, optimizer=, train=[, val=, scheduler=, loss=function(model, batch), metrics={...}, "
                + "grad_clip=, accumulate=, dir=, on_nan=\"error\"|\"skip\", monitor=, mode=, patience=, min_delta=, "
                + "keep_best=, save_every=, seed=, log_every=50, classes=, recall_at={1, 5, 10}, on_step=, on_epoch=, "
                + "on_validate=, progress=true]} -> Trainer",
            "A trainer: steps, epochs, fit, validation with metrics, checkpoints, progress and plots."
        ) { call in
            try call.expectAtMost(1)
            return try call.push(object: try LuaTrainer(call, spec: 1, glueMaker: glueMaker))
        }
        library.function(
            "resume", "train.resume(path, {model=, optimizer=, train=, ...}) -> Trainer",
            "A trainer made from the same parts as the saved run (the train.Trainer table), "
                + "continuing it from the checkpoint at path."
        ) { call in
            try call.expectAtMost(2)
            let path = try call.string(at: 1)
            guard call.type(at: 2) == .table else {
                throw call.typeError(
                    2, expected: "table {model=, optimizer=, train=, ...} (the parts of the saved run)")
            }
            let trainer = try LuaTrainer(call, spec: 2, glueMaker: glueMaker)
            try trainer.context.with(call) { try trainer.trainer.resume(from: path) }
            return try call.push(object: trainer)
        }
        registerMetrics(library)
        registerTrainerType(lua)
    }

    private static func registerMetrics(_ library: LuaLibrary) {
        library.function(
            "accuracy", "train.accuracy(predictions, labels) -> number",
            "The fraction of predictions equal to the labels; predictions are class ids [N] or scores [N, C]."
        ) { call in
            try call.expectAtMost(2)
            return call.push(
                try call.blaming(1) { try Metrics.accuracy(try call.tensor(at: 1), labels: try call.tensor(at: 2)) })
        }
        library.function(
            "f1", "train.f1(predictions, labels) -> number",
            "The macro-averaged F1 score over the classes present (scikit-learn's f1_score(average=\"macro\"))."
        ) { call in
            try call.expectAtMost(2)
            return call.push(
                try call.blaming(1) { try Metrics.macroF1(try call.tensor(at: 1), labels: try call.tensor(at: 2)) })
        }
        library.function(
            "confusion", "train.confusion(predictions, labels[, {classes=}]) -> Tensor",
            "The confusion matrix, int64 [C, C]: rows are true classes, columns predictions."
        ) { call in
            let options = try call.options(at: 3, allowed: ["classes"])
            let matrix = try call.blaming(1) {
                try ConfusionMatrix(
                    try call.tensor(at: 1), labels: try call.tensor(at: 2), classCount: try options.integer("classes"))
            }
            return try call.push(tensor: matrix.tensor)
        }
        library.function(
            "top_k_accuracy", "train.top_k_accuracy(scores, labels, k) -> number",
            "The fraction of samples whose label is among the k highest scores [N, C]."
        ) { call in
            try call.expectAtMost(3)
            return call.push(
                try call.blaming(1) {
                    try Metrics.topKAccuracy(
                        try call.tensor(at: 1), labels: try call.tensor(at: 2), k: try call.integer(at: 3))
                })
        }
        library.function(
            "recall_at_k", "train.recall_at_k(similarity, k | {k, ...}) -> number | {number, ...}",
            "Retrieval recall@k of a [queries, items] similarity whose match for query i is item i "
                + "(pass :t() for the other direction)."
        ) { call in
            try call.expectAtMost(2)
            let similarity = try call.tensor(at: 1)
            if call.type(at: 2) == .table {
                let ks = try call.integers(in: try call.table(at: 2), at: 2, what: "k")
                let recall = try call.blaming(1) { try Metrics.recallAtK(similarity, ks: ks) }
                return call.push(ks.map { recall[$0]! })
            }
            let k = try call.integer(at: 2)
            return call.push(try call.blaming(1) { try Metrics.recallAtK(similarity, ks: [k])[k]! })
        }
    }

    // MARK: - Tables handed to Lua

    /// `{step=, epoch=, loss=, lr=[, grad_norm=]}`.
    static func value(_ record: TrainingHistory.Step) -> LuaValue {
        var fields: [String: LuaValue] = [
            "step": .integer(Int64(record.step)), "epoch": .integer(Int64(record.epoch)),
            "loss": .number(record.loss), "lr": .number(record.learningRate),
        ]
        if let norm = record.gradientNorm { fields["grad_norm"] = .number(norm) }
        return table(fields)
    }

    /// The metrics by name, plus `confusion` (int64 [C, C]) for classifiers.
    static func value(_ result: ValidationResult) -> LuaValue {
        var fields = result.metrics.mapValues { LuaValue.number($0) }
        if let matrix = result.confusion { fields["confusion"] = .object(matrix.tensor) }
        return table(fields)
    }

    /// `{train={{step=, epoch=, loss=, lr=}, ...}, val={{step=, epoch=, loss=, accuracy=, ...}, ...},
    /// skipped={step, ...}}`.
    static func value(_ history: TrainingHistory) -> LuaValue {
        let validations = history.validations.map { v in
            table(
                v.metrics.mapValues { LuaValue.number($0) }.merging(
                    ["step": .integer(Int64(v.step)), "epoch": .integer(Int64(v.epoch))]) { $1 })
        }
        return table([
            "train": list(history.steps.map(value)),
            "val": list(validations),
            "skipped": list(history.skippedSteps.map { .integer(Int64($0)) }),
        ])
    }

    static func table(_ fields: [String: LuaValue]) -> LuaValue {
        var t = LuaTable()
        t.fields = fields
        return .table(t)
    }

    static func list(_ values: [LuaValue]) -> LuaValue {
        var t = LuaTable()
        t.array = values
        return .table(t)
    }
}
