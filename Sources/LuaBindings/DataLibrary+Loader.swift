import Datasets
import Lua
import TensorCore

/// A loader as Lua sees it: the Swift ``DataLoader`` decoding on worker threads, then, on the
/// Lua thread, the dataset's map functions and the collate (Lua's, or the default).
final class LuaLoader {
    let loader: DataLoader
    let dataset: LuaDataset
    let collate: LuaRef?

    init(_ loader: DataLoader, dataset: LuaDataset, collate: LuaRef?) {
        self.loader = loader
        self.dataset = dataset
        self.collate = collate
    }

    /// Starts (or resumes) the loader's current epoch.
    func makeEpoch(output: LuaOutput) throws -> LuaEpoch {
        LuaEpoch(try loader.makeEpoch(), output: output)
    }

    /// Pushes the next batch of `epoch`, or nil (and the skip report) at its end.
    func pushNextBatch(of epoch: LuaEpoch, on call: LuaCall) throws -> Int {
        guard let samples = try call.reporting({ try epoch.epoch.nextSamples() }) else {
            epoch.finish()
            return call.pushNil()
        }
        if dataset.maps.isEmpty && collate == nil {
            return try Self.push(try call.reporting { try Batch(collating: samples) }, on: call)
        }
        TensorMemory.pace(call.lua)
        let values = try samples.map { sample in
            dataset.maps.isEmpty ? LuaDataset.value(sample) : try dataset.mapped(sample, on: call)
        }
        if let collate {
            let results = try call.call(collate) { $0.push(values) }
            return call.push(results.first ?? .nil)
        }
        let batch = try call.reporting { try Batch(collating: values.map(Self.sample(from:))) }
        return try Self.push(batch, on: call)
    }

    /// Pushes `{pixel_values=, input_values=, attention_mask=, labels=, text=, id=, <extras>}`.
    static func push(_ batch: Batch, on call: LuaCall) throws -> Int {
        try call.pushTable { table in
            for (name, tensor) in [
                ("pixel_values", batch.pixelValues), ("input_values", batch.inputValues),
                ("attention_mask", batch.attentionMask), ("labels", batch.labels),
            ] {
                if let tensor { try table.set(name) { try $0.push(tensor: tensor) } }
            }
            table.set("text", batch.text)
            table.set("id", batch.ids)
            for (name, tensor) in batch.extras { try table.set(name) { try $0.push(tensor: tensor) } }
        }
    }

    /// A sample table made by a map function, for the default collate: tensors and numbers
    /// become the sample's fields; other values need a `collate=` function.
    static func sample(from value: LuaValue) throws -> Sample {
        guard case .table(let table) = value else { throw DatasetError.collate("a sample must be a table") }
        var sample = Sample(id: "")
        for (name, field) in table.fields {
            switch (name, field) {
            case ("pixel_values", .object(let tensor as Tensor)): sample.pixelValues = tensor
            case ("input_values", .object(let tensor as Tensor)): sample.inputValues = tensor
            case ("label", _) where field.integer != nil: sample.label = field.integer
            case ("text", .string(let text)): sample.text = text
            case ("id", .string(let id)): sample.id = id
            case (_, .object(let tensor as Tensor)): sample.extras[name] = tensor
            case (_, .integer(let n)): sample.extras[name] = Tensor(scalar: n)
            case (_, .number(let x)): sample.extras[name] = Tensor(scalar: Float(x))
            default:
                throw DatasetError.collate(
                    "sample field '\(name)' (\(field.typeName)) cannot be collated "
                        + "by default; pass collate=function(samples) … end to data.loader")
            }
        }
        return sample
    }
}

/// One pass of a loader, the closing value of `for batch in loader:iter()`: leaving the loop
/// (at the end, by `break`, or by an error such as Ctrl-C) stops and joins the workers and
/// reports skipped samples.
final class LuaEpoch {
    let epoch: Epoch
    private let output: LuaOutput
    private var reported = false

    init(_ epoch: Epoch, output: LuaOutput) {
        self.epoch = epoch
        self.output = output
    }

    /// Closes the epoch and, once, warns about the samples it skipped.
    func finish() {
        epoch.close()
        guard !reported else { return }
        reported = true
        DataLibrary.report(epoch.skipped, noun: "sample", context: "in epoch \(epoch.number)", to: output)
    }
}

extension DataLibrary {
    static func registerLoader(_ lua: LuaState) {
        let type = lua.userType(
            LuaLoader.self, name: "DataLoader",
            summary: "Batches decoded on worker threads: for batch in loader:iter() do … end; #loader batches")
        type.tostring { object in
            let (loader, o) = (object.loader, object.loader.options)
            return "DataLoader(\(loader.dataset.count) samples, batch \(o.batchSize), \(loader.batchCount) batches"
                + (o.shuffle ? ", shuffle, seed \(Int64(bitPattern: loader.seed))" : "")
                + ", \(o.workers) workers, epoch \(loader.epoch))"
        }
        type.length { $0.loader.batchCount }
        type.property(
            "epoch", "loader.epoch -> integer",
            "The epoch the next iter() starts or resumes (0-based)."
        ) { object, call in
            call.push(object.loader.epoch)
        }
        type.property("dataset", "loader.dataset -> Dataset", "The dataset batched.") { object, call in
            try call.push(object: object.dataset)
        }
        type.method(
            "iter", "loader:iter() -> iterator",
            "Iterates over the batches of one epoch: for batch in loader:iter() do … end."
        ) { object, call in
            try call.expectAtMost(1)
            let epoch = try call.reporting { try object.makeEpoch(output: call.lua.output) }
            call.push(function: "DataLoader:iter") { call in try object.pushNextBatch(of: epoch, on: call) }
            _ = call.pushNil() + call.pushNil()
            return try call.push(object: epoch) + 3  // the closing value of the generic for
        }
        type.method(
            "state_dict", "loader:state_dict() -> {epoch=, position=, seed=}",
            "Where the loader stands, for a checkpoint (taken inside the loop, it resumes after the current batch)."
        ) { object, call in
            try call.expectAtMost(1)
            let state = object.loader.state
            let fields: [String: LuaValue] = [
                "epoch": .integer(Int64(state.epoch)), "position": .integer(Int64(state.position)),
                "seed": .integer(Int64(bitPattern: state.seed)),
            ]
            return call.push(fields)
        }
        type.method(
            "load_state_dict", "loader:load_state_dict(state) -> loader",
            "Restores a state_dict(); the next iter() resumes that epoch at that sample."
        ) { object, call in
            try call.expectAtMost(2)
            let table = try call.table(at: 2)
            func field(_ name: String) throws -> Int {
                guard let value = table.fields[name]?.integer else {
                    throw LuaArgumentError(position: 2, message: "state field '\(name)': integer expected")
                }
                return value
            }
            let state = LoaderState(
                epoch: try field("epoch"), position: try field("position"),
                seed: UInt64(bitPattern: Int64(try field("seed"))))
            try call.reporting(options: 2) { try object.loader.restore(state) }
            return call.pushArgument(1)
        }

        let epochType = lua.userType(
            LuaEpoch.self, name: "DataEpoch",
            summary: "One pass of a DataLoader; closing it stops its workers")
        epochType.tostring { "DataEpoch(\($0.epoch.number)\($0.epoch.isClosed ? ", closed" : ""))" }
        epochType.onClose { $0.finish() }
    }
}
